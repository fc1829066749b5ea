"""What the API takes (issue 14, item 3): what the schema calls optional the server can do
without, what it needs is required and a missing one answers 400 naming it; nothing sent is
silently dropped (a field the resource does not have, a read-only nested list, a field only a
create takes): 400 naming it, nothing written."""

import datetime

import pytest

from clients.models import CategoryMembership, Client
from services.models import Activity, Group, ResourceLink, Visit

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 4)


@pytest.fixture
def client_xiaohe(station_xiaohe):
    return Client.objects.create(station=station_xiaohe, name="王秀英", id_number="410621196005170016",
                                 registered_on=datetime.date(2022, 1, 1))


@pytest.mark.parametrize("missing", ["kind", "visited_on"])
def test_a_visit_without_its_date_or_kind_answers_400_naming_it(api, xiaohe, client_xiaohe, missing):
    body = {"client": client_xiaohe.pk, "visited_on": DAY.isoformat(), "kind": "home_visit", "findings": "探访"}
    del body[missing]
    response = api(xiaohe).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [missing]
    assert not Visit.objects.filter(client=client_xiaohe).exists()


def test_a_resource_link_without_its_date_answers_400(api, xiaohe, station_xiaohe):
    body = {"station": station_xiaohe.pk, "kind": "goods", "description": "物资", "value": "300.00",
            "source_kind": "enterprise", "source_name": "爱心企业"}
    response = api(xiaohe).post("/api/v1/resource-links/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["linked_on"]
    assert not ResourceLink.objects.exists()


def test_an_activity_without_its_date_answers_400(api, xiaohe, station_xiaohe):
    body = {"station": station_xiaohe.pk, "title": "活动", "kind": "festival", "participant_count": 10}
    response = api(xiaohe).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["held_on"]
    assert not Activity.objects.exists()


def test_what_the_schema_calls_optional_takes_the_model_default(api, xiaohe, station_xiaohe):
    """An activity sent without its kind, location or highlight: the model's defaults."""
    body = {"station": station_xiaohe.pk, "title": "活动", "held_on": DAY.isoformat(), "participant_count": 10}
    response = api(xiaohe).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201, response.content[:300]
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.kind, activity.location, activity.highlight) == ("other", "", "")


def test_a_group_with_sessions_is_refused_naming_them(api, xiaohe, station_xiaohe):
    body = {"station": station_xiaohe.pk, "theme": "小组", "created_on": DAY.isoformat(),
            "sessions": [{"held_on": DAY.isoformat(), "topic": "第一次", "attendance_count": 5}]}
    response = api(xiaohe).post("/api/v1/groups/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["sessions"]
    assert not Group.objects.filter(theme="小组").exists()


def test_a_client_edit_with_new_categories_is_refused_naming_them(api, xiaohe, client_xiaohe):
    you = api(xiaohe)
    read = you.get(f"/api/v1/clients/{client_xiaohe.pk}/").json()
    response = you.patch(f"/api/v1/clients/{client_xiaohe.pk}/", {
        "version": read["version"], "address": "新地址",
        "new_categories": [{"category": "subsistence", "start_on": DAY.isoformat()}]}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["new_categories"]
    client_xiaohe.refresh_from_db()
    assert client_xiaohe.address != "新地址"
    assert not CategoryMembership.objects.filter(client=client_xiaohe).exists()


def test_an_unknown_field_is_refused_naming_it(api, xiaohe, client_xiaohe):
    body = {"client": client_xiaohe.pk, "visited_on": DAY.isoformat(), "kind": "home_visit", "finding": "拼错的字段"}
    response = api(xiaohe).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["finding"]
    assert not Visit.objects.exists()


def test_a_changed_read_only_field_is_refused(api, xiaohe, client_xiaohe):
    you = api(xiaohe)
    read = you.get(f"/api/v1/clients/{client_xiaohe.pk}/").json()
    response = you.patch(f"/api/v1/clients/{client_xiaohe.pk}/",
                         {"version": read["version"], "status": "closed"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_a_put_of_what_a_get_answered_is_accepted(api, xiaohe, client_xiaohe):
    """Read-only fields sent back unchanged change nothing and are not refused."""
    you = api(xiaohe)
    read = you.get(f"/api/v1/clients/{client_xiaohe.pk}/").json()
    read.pop("id_number")  # masked in answers: an edit sends the full number or leaves it out
    response = you.patch(f"/api/v1/clients/{client_xiaohe.pk}/", {**read, "address": "新地址"}, format="json")
    assert response.status_code == 200, response.content[:500]
    client_xiaohe.refresh_from_db()
    assert client_xiaohe.address == "新地址"


def test_a_form_posted_with_its_csrf_token_is_not_refused_for_it(web, xiaohe, client_xiaohe):
    """The browsable API's HTML form sends ``csrfmiddlewaretoken`` with the fields: not a field."""
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    browser = web(xiaohe)
    token = get_token(RequestFactory().get("/"))
    response = browser.post("/api/v1/visits/", {"client": client_xiaohe.pk, "visited_on": DAY.isoformat(),
                                                "kind": "home_visit", "csrfmiddlewaretoken": token})
    assert response.status_code == 201, response.content[:300]
