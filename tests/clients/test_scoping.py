"""xiaohe (小河站) can't list, open, edit, search, count or export a 白寺站 client-side record —
through the pages, the API and the exports. One test per door, for every client-data model."""

import io

import pytest
from openpyxl import load_workbook

from clients import services
from clients.models import Assessment, CategoryMembership, Client, Household, ScreeningRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def baisi_records(baisi_client, station_baisi):
    household = services.household_create(station=station_baisi, head=None)
    services.household_add_member(household=household, client=baisi_client, relationship="grandchild")
    assessment = services.assessment_record(client=baisi_client, risk_level="medium", needs="学业辅导")
    campaign = services.screening_campaign_create(
        county=station_baisi.county, name="白寺排查", stations=[station_baisi],
        start_on=baisi_client.registered_on, end_on=baisi_client.registered_on.replace(year=2030))
    record = services.screening_record(campaign=campaign, client=baisi_client, result="found",
                                       screened_on=baisi_client.registered_on)
    return {"client": baisi_client, "household": household, "assessment": assessment, "campaign": campaign,
            "record": record, "membership": baisi_client.categories.get()}


def test_querysets_hide_every_other_station_model(xiaohe, baisi_records):
    for model in (Client, Household, CategoryMembership, Assessment, ScreeningRecord):
        assert not model.objects.visible_to(xiaohe).exists(), model
    assert list(type(baisi_records["campaign"]).objects.visible_to(xiaohe)) == []


def test_cannot_list_search_or_count_on_the_web(web, xiaohe, xiaohe_client, baisi_records):
    browser = web(xiaohe)
    listing = browser.get("/clients/")
    assert list(listing.context["object_list"]) == [xiaohe_client]
    assert listing.context["paginator"].count == 1
    for q in ("李小梅", "lixiaomei", "lxm", baisi_records["client"].id_number[-6:]):
        assert list(browser.get("/clients/", {"q": q}).context["object_list"]) == [], q
    assert list(browser.get("/clients/households/").context["object_list"]) == []
    assert browser.get("/clients/worklist/").context["paginator"].count == 1
    assert [row["station__short_name"] for row in browser.get("/clients/worklist/").context["by_station"]] == ["小河站"]


def test_cannot_open_or_edit_on_the_web(web, xiaohe, baisi_records):
    browser = web(xiaohe)
    client = baisi_records["client"]
    for url in (f"/clients/{client.pk}/", f"/clients/{client.pk}/edit/", f"/clients/{client.pk}/close/",
                f"/clients/{client.pk}/categories/add/", f"/clients/{client.pk}/assessments/add/",
                f"/clients/households/{baisi_records['household'].pk}/",
                f"/clients/households/{baisi_records['household'].pk}/edit/",
                f"/clients/screening/{baisi_records['campaign'].pk}/",
                f"/clients/screening/{baisi_records['campaign'].pk}/clients/{client.pk}/"):
        assert browser.get(url).status_code == 404, url
    response = browser.post(f"/clients/{client.pk}/edit/", {"name": "改名"})
    assert response.status_code == 404
    assert browser.post(f"/clients/{client.pk}/reveal/").status_code == 404
    assert browser.post(f"/clients/categories/{baisi_records['membership'].pk}/end/",
                        {"end_on": "2024-01-01"}).status_code == 404
    client.refresh_from_db()
    assert client.name == "李小梅" and client.categories.get().end_on is None


def test_cannot_export(web, xiaohe, xiaohe_client, baisi_records):
    for url in ("/clients/", "/clients/worklist/", "/clients/households/"):
        response = web(xiaohe).get(url, {"export": "xlsx"})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
        assert all("李小梅" not in row for row in rows), url
    rows = list(load_workbook(io.BytesIO(web(xiaohe).get("/clients/", {"export": "xlsx"}).content))
                .active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [xiaohe_client.name]


def test_cannot_list_open_search_count_or_edit_through_the_api(api, xiaohe, xiaohe_client, baisi_records):
    client_api = api(xiaohe)
    client = baisi_records["client"]
    listing = client_api.get("/api/v1/clients/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == xiaohe_client.pk
    assert client_api.get("/api/v1/clients/", {"q": "lxm"}).json()["count"] == 0
    assert client_api.get("/api/v1/clients/", {"station": client.station_id}).status_code == 400
    assert client_api.get(f"/api/v1/clients/{client.pk}/").status_code == 404
    assert client_api.patch(f"/api/v1/clients/{client.pk}/", {"name": "x", "version": 1}, format="json").status_code == 404
    assert client_api.post(f"/api/v1/clients/{client.pk}/reveal/").status_code == 404
    assert client_api.get("/api/v1/households/").json()["count"] == 0
    assert client_api.get(f"/api/v1/households/{baisi_records['household'].pk}/").status_code == 404
    client.refresh_from_db()
    assert client.name == "李小梅"


def test_bureau_sees_both_stations(web, api, bureau, xiaohe_client, baisi_records):
    assert web(bureau).get("/clients/").context["paginator"].count == 2
    assert api(bureau).get("/api/v1/clients/").json()["count"] == 2


def test_auditor_sees_no_client_records(web, api, auditor, xiaohe_client):
    assert web(auditor).get("/clients/").status_code == 403
    assert api(auditor).get("/api/v1/clients/").status_code == 403
