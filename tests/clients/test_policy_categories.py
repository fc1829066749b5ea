"""Categories a county can extend (issue 16, item 7): besides SPEC §3's seven, a county adds
its own policy categories with their own visit interval; their members are counted under the
SPEC key they map to (``other`` unless mapped), so the figures engine keeps SPEC's keys."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.models import CategoryMembership, Client, PolicyCategory

pytestmark = pytest.mark.django_db


def add(county, name="留守儿童", days=30, **extra):
    return services.policy_category_save(category=PolicyCategory(county=county, name=name, visit_days=days, **extra))


def test_a_member_of_an_added_category_is_counted_as_other_and_visited_on_its_interval(xiaohe_client, station_xiaohe):
    left_behind = add(station_xiaohe.county)
    edge = add(station_xiaohe.county, name="低保边缘", days=120, maps_to="subsistence_allowance")
    today = timezone.localdate()
    Client.objects.filter(pk=xiaohe_client.pk).update(last_visit_on=today)
    membership = services.category_add(client=xiaohe_client, policy_category=left_behind, start_on=today)
    assert membership.category == "other" and str(membership) == "留守儿童"
    assert Client.objects.get(pk=xiaohe_client.pk).next_visit_due == today + datetime.timedelta(days=30)
    mapped = services.category_add(client=xiaohe_client, policy_category=edge, start_on=today)
    assert mapped.category == "subsistence_allowance"
    with pytest.raises(ValidationError):  # held already
        services.category_add(client=xiaohe_client, policy_category=left_behind, start_on=today)


def test_changing_the_interval_moves_the_members_due_dates(xiaohe_client, station_xiaohe):
    category = add(station_xiaohe.county, days=60)
    today = timezone.localdate()
    Client.objects.filter(pk=xiaohe_client.pk).update(last_visit_on=today)
    services.category_add(client=xiaohe_client, policy_category=category, start_on=today)
    category.visit_days = 14
    services.policy_category_save(category=category)
    assert Client.objects.get(pk=xiaohe_client.pk).next_visit_due == today + datetime.timedelta(days=14)


@pytest.mark.parametrize("name, days, field", [("", 30, "name"), ("低保", 30, "name"), ("防返贫监测", 0, "visit_days"),
                                               ("防返贫监测", 400, "visit_days")])
def test_bad_categories_are_refused_with_nothing_written(station_xiaohe, name, days, field):
    with pytest.raises(ValidationError) as error:
        add(station_xiaohe.county, name=name, days=days)
    assert field in error.value.message_dict
    assert not PolicyCategory.objects.exists()


def test_an_inactive_category_cannot_be_given(xiaohe_client, station_xiaohe):
    category = add(station_xiaohe.county, is_active=False)
    with pytest.raises(ValidationError) as error:
        services.category_add(client=xiaohe_client, policy_category=category)
    assert "policy_category" in error.value.message_dict
    assert not CategoryMembership.objects.filter(policy_category=category).exists()


def test_the_bureau_admin_adds_one_on_the_web_and_the_api(web, api, bureau_admin, xiaohe, station_xiaohe):
    county = station_xiaohe.county
    response = web(bureau_admin).post("/clients/policy-categories/add/", {
        "county": county.pk, "name": "支出型困难", "maps_to": "other", "visit_days": "90", "is_active": "on"})
    assert response.status_code == 302
    assert web(xiaohe).get("/clients/policy-categories/").status_code == 200
    assert web(xiaohe).get("/clients/policy-categories/add/").status_code == 403
    made = api(bureau_admin).post("/api/v1/policy-categories/", {"county": county.pk, "name": "防返贫监测",
                                                                 "visit_days": 60}, format="json")
    assert made.status_code == 201, made.json()
    stale = api(bureau_admin).patch(f"/api/v1/policy-categories/{made.json()['id']}/", {"visit_days": 30},
                                    format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    assert sorted(PolicyCategory.objects.values_list("name", flat=True)) == ["支出型困难", "防返贫监测"]
