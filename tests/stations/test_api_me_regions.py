"""Who am I and the region tree through the API (issue 14, item 1: `GET /api/v1/me/` for every
demo account, the region tree scoped to the caller), and the token answer's user, role and
expiry."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from stations.models import Region, Station

pytestmark = pytest.mark.django_db


def test_me_answers_for_every_demo_account(api):
    for user in get_user_model().objects.filter(staff__isnull=False).select_related("staff"):
        answer = api(user).get("/api/v1/me/")
        assert answer.status_code == 200, (user.username, answer.content[:200])
        me = answer.json()
        assert me["user"]["username"] == user.username
        assert me["role"] == user.staff.role
        assert me["organisation"]["id"] == user.staff.organisation_id
        assert sorted(s["id"] for s in me["scope"]["stations"]) == sorted(
            Station.objects.visible_to(user).values_list("pk", flat=True))
        assert me["permissions"] == sorted(user.get_all_permissions())


def test_me_of_a_social_worker(api, xiaohe, station_xiaohe):
    me = api(xiaohe).get("/api/v1/me/").json()
    assert me["role"] == "social_worker"
    assert me["station"] == {"id": station_xiaohe.pk, "name": station_xiaohe.name}
    assert me["scope"]["stations"] == [{"id": station_xiaohe.pk, "name": station_xiaohe.name}]
    assert me["scope"]["all"] is False and me["scope"]["people"] is True
    assert "services.add_visit" in me["permissions"]


def test_me_of_the_city_viewer_reads_figures_only(api, city):
    me = api(city).get("/api/v1/me/").json()
    assert me["station"] is None
    assert me["scope"]["people"] is False
    assert len(me["scope"]["stations"]) == Station.objects.count()


def test_me_needs_a_login():
    assert APIClient().get("/api/v1/me/").status_code == 403


def test_the_region_tree_of_a_station_worker_is_her_county_and_above(api, xiaohe, station_xiaohe):
    regions = api(xiaohe).get("/api/v1/regions/", {"page_size": 500}).json()["results"]
    by_id = {r["id"]: r for r in regions}
    county = station_xiaohe.county
    assert county.pk in by_id and county.parent_id in by_id and county.parent.parent_id in by_id
    assert station_xiaohe.town_id in by_id
    assert by_id[station_xiaohe.town_id]["parent"] == county.pk
    # every region listed hangs from a listed parent (a tree), the province at its root
    assert all(r["parent"] in by_id for r in regions if r["parent"] is not None)
    outside = Region.objects.exclude(pk__in=by_id).filter(level="county")
    for other in outside:
        assert api(xiaohe).get(f"/api/v1/regions/{other.pk}/").status_code == 404


def test_the_region_tree_filters_by_parent_and_level(api, bureau, station_xiaohe):
    county = station_xiaohe.county
    towns = api(bureau).get("/api/v1/regions/", {"parent": county.pk, "page_size": 500}).json()["results"]
    assert {t["id"] for t in towns} == set(Region.objects.filter(parent=county).values_list("pk", flat=True))
    counties = api(bureau).get("/api/v1/regions/", {"level": "county"}).json()["results"]
    assert [c["id"] for c in counties] == [county.pk]


def test_the_region_list_pins_its_query_count(api, bureau, count_queries):
    you = api(bureau)
    you.get("/api/v1/regions/")  # the scope is computed once per user object: count the lists alone
    few = count_queries(lambda: you.get("/api/v1/regions/", {"page_size": 3}))
    many = count_queries(lambda: you.get("/api/v1/regions/", {"page_size": 10}))  # both pages full
    assert few == many <= 3


def test_the_token_answer_names_the_user_role_and_expiry(xiaohe, settings):
    xiaohe.set_password("Qz7#kLmw2Pxv")
    xiaohe.save()
    answer = APIClient().post("/api/v1/auth/token/", {"username": "xiaohe", "password": "Qz7#kLmw2Pxv"},
                              format="json")
    assert answer.status_code == 200, answer.content[:200]
    body = answer.json()
    assert set(body) == {"token", "expires_at", "user", "role"}
    assert body["user"]["username"] == "xiaohe" and body["role"] == "social_worker"
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    expected = timezone.now() + datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert abs((expires - expected).total_seconds()) < 60
