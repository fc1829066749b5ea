"""A county bureau administrator governs only their county (issue 21, item 2): no edit of an
organisation or staff member — web, API, admin — can move anyone's scope above or outside it."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from stations.choices import OrganisationKind, RegionLevel, Role
from stations.models import Organisation, Region, Staff, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_county(db):
    """淇县 with a station of its own."""
    qixian = Region.objects.get(name="淇县")
    town = Region.objects.create(code="410622100", name="朝歌街道", level=RegionLevel.TOWN, parent=qixian)
    Station.objects.create(name="朝歌街道社会工作服务站", short_name="朝歌站", town=town,
                           opened_on=datetime.date(2022, 1, 1))
    return qixian


def _bureau_org():
    return Organisation.objects.get(name="浚县民政局")


def _org_data(org, **changes):
    return {"name": org.name, "short_name": org.short_name, "kind": org.kind, "region": org.region_id,
            "credit_code": org.credit_code, "contact": org.contact, "phone": org.phone, "address": org.address,
            "is_active": "on", **changes}


@pytest.mark.parametrize("target", ["鹤壁市", "河南省", "淇县"])
def test_bureau_admin_cannot_move_an_organisation_above_or_outside_the_county(api, web, bureau_admin, other_county,
                                                                                target):
    org = _bureau_org()
    region = Region.objects.get(name=target)
    response = api(bureau_admin).patch(f"/api/v1/organisations/{org.pk}/", {"region": region.pk}, format="json")
    assert response.status_code == 400 and "region" in response.json()
    page = web(bureau_admin).post(f"/organisations/{org.pk}/edit/", _org_data(org, region=region.pk))
    assert page.status_code == 200 and page.context["form"].errors["region"]
    org.refresh_from_db()
    assert org.region.name == "浚县"


def test_the_organisation_form_offers_only_the_county(web, bureau_admin, other_county):
    page = web(bureau_admin).get(f"/organisations/{_bureau_org().pk}/edit/")
    offered = {region.name for region in page.context["form"].fields["region"].queryset}
    assert offered == {"浚县"}


def test_bureau_admin_cannot_create_an_organisation_in_the_city(api, bureau_admin):
    hebi = Region.objects.get(name="鹤壁市")
    response = api(bureau_admin).post("/api/v1/organisations/", {
        "name": "新机构", "kind": OrganisationKind.PROVIDER, "region": hebi.pk}, format="json")
    assert response.status_code == 400
    assert not Organisation.objects.filter(name="新机构").exists()


def test_bureau_admin_cannot_edit_a_city_organisation(api, bureau_admin):
    provider = Organisation.objects.get(short_name="鹤壁七彩")  # operates 浚县 stations, registered in the city
    response = api(bureau_admin).patch(f"/api/v1/organisations/{provider.pk}/", {"phone": "0392-1"}, format="json")
    assert response.status_code in (400, 403, 404)
    provider.refresh_from_db()
    assert provider.phone != "0392-1"


def _staff_data(organisation, role=Role.BUREAU_STAFF, station=None, username="widened"):
    data = {"username": username, "password": "Qz7#kLmw2Pxv", "name": "新人", "role": role,
            "organisation": organisation.pk, "active_from": "2024-01-01"}
    if station is not None:
        data["station"] = station.pk
    return data


def test_bureau_admin_cannot_create_county_staff_in_a_city_organisation(api, web, bureau_admin, other_county):
    provider = Organisation.objects.get(short_name="鹤壁七彩")
    response = api(bureau_admin).post("/api/v1/staff/", _staff_data(provider), format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    page = web(bureau_admin).post("/staff/add/", _staff_data(provider))
    assert page.status_code == 200 and page.context["form"].errors["organisation"]
    assert not get_user_model().objects.filter(username="widened").exists()


def test_bureau_admin_cannot_move_existing_staff_to_the_city(api, web, bureau_admin, bureau):
    provider = Organisation.objects.get(short_name="鹤壁七彩")
    staff = bureau.staff
    response = api(bureau_admin).patch(f"/api/v1/staff/{staff.pk}/", {"organisation": provider.pk}, format="json")
    assert response.status_code == 400
    staff.refresh_from_db()
    assert staff.organisation.name == "浚县民政局"


def test_station_workers_may_still_belong_to_the_city_provider_operating_their_station(api, bureau_admin,
                                                                                        station_baisi):
    response = api(bureau_admin).post("/api/v1/staff/", _staff_data(
        station_baisi.operator, role=Role.SOCIAL_WORKER, station=station_baisi, username="baisi3"), format="json")
    assert response.status_code == 201, response.json()


def test_bureau_admin_cannot_hand_out_the_city_viewer_role_through_the_api(api, bureau_admin):
    response = api(bureau_admin).post("/api/v1/staff/", _staff_data(_bureau_org(), role=Role.CITY_VIEWER),
                                      format="json")
    assert response.status_code == 400


def test_the_admin_site_confines_the_region_too(web, bureau_admin, other_county):
    org = _bureau_org()
    hebi = Region.objects.get(name="鹤壁市")
    data = _org_data(org, region=hebi.pk)
    data.pop("is_active")
    data["is_active"] = "on"
    page = web(bureau_admin).post(f"/admin/stations/organisation/{org.pk}/change/", data)
    org.refresh_from_db()
    assert org.region.name == "浚县", page.status_code


def test_after_the_refusals_bureau_still_sees_no_other_county(api, bureau, other_county):
    listing = api(bureau).get("/api/v1/stations/").json()
    assert "朝歌站" not in {row["short_name"] for row in listing["results"]}
    assert Staff.objects.filter(user__username="bureau").get().organisation.region.name == "浚县"


def test_bureau_admin_cannot_open_or_move_a_station_into_another_county(api, web, bureau_admin, other_county):
    """Stations too: a station sits in a town of the administrator's county (web and API)."""
    town = Region.objects.get(name="朝歌街道")
    before = Station.objects.count()
    created = api(bureau_admin).post("/api/v1/stations/", {"name": "朝歌第二社工站", "short_name": "朝歌二站",
                                                            "town": town.pk, "opened_on": "2024-01-01"}, format="json")
    assert created.status_code == 400 and "town" in created.json()
    page = web(bureau_admin).post("/stations/add/", {"name": "朝歌第二社工站", "short_name": "朝歌二站",
                                                     "town": town.pk, "opened_on": "2024-01-01"})
    assert page.status_code == 200 and page.context["form"].errors["town"]
    assert Station.objects.count() == before
    mine = Station.objects.get(short_name="小河站")
    version = api(bureau_admin).get(f"/api/v1/stations/{mine.pk}/").json()["version"]
    moved = api(bureau_admin).patch(f"/api/v1/stations/{mine.pk}/", {"town": town.pk, "version": version},
                                    format="json")
    assert moved.status_code == 400 and "town" in moved.json()
    mine.refresh_from_db()
    assert mine.county.name == "浚县"
