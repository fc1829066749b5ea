"""A worker of 小河站 sees 小河站's services only, through every door: list, open, edit,
search, count, export (web) and list, open, edit (API). The bureau sees both."""

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

# model key, web list, API prefix, what to search for (a text of the 白寺站 record)
MODELS = [
    ("visit", "/services/visits/", "visits", lambda r: r["client"].name),
    ("resourcelink", "/services/resource-links/", "resource-links", lambda r: r["resourcelink"].description),
    ("case", "/services/cases/", "cases", lambda r: r["case"].title),
    ("group", "/services/groups/", "groups", lambda r: r["group"].theme),
    ("activity", "/services/activities/", "activities", lambda r: r["activity"].title),
    ("referral", "/services/referrals/", "referrals", lambda r: r["referral"].reason),
    ("dispatch", "/services/dispatches/", "dispatches", lambda r: r["dispatch"].title),
]
IDS = [m[0] for m in MODELS]


@pytest.mark.parametrize(("key", "url", "prefix", "needle"), MODELS, ids=IDS)
def test_worker_lists_counts_and_searches_only_their_station(web, xiaohe, records, key, url, prefix, needle):
    page = web(xiaohe).get(url)
    assert page.status_code == 200
    assert {obj.pk for obj in page.context["object_list"]} == {records["xiaohe"][key].pk}
    assert page.context["paginator"].count == 1
    searched = web(xiaohe).get(url, {"q": needle(records["baisi"])})
    assert list(searched.context["object_list"]) == []


@pytest.mark.parametrize(("key", "url", "prefix", "needle"), MODELS, ids=IDS)
def test_worker_cannot_open_or_edit_other_station_record(web, xiaohe, records, key, url, prefix, needle):
    other = records["baisi"][key]
    client = web(xiaohe)
    assert client.get(f"{url}{other.pk}/").status_code == 404
    if key != "dispatch":
        assert client.get(f"{url}{other.pk}/edit/").status_code == 404
        assert client.post(f"{url}{other.pk}/edit/", {}).status_code == 404
    assert client.get(f"{url}{records['xiaohe'][key].pk}/").status_code == 200


@pytest.mark.parametrize(("key", "url", "prefix", "needle"), MODELS, ids=IDS)
def test_worker_export_holds_only_their_station(web, xiaohe, records, key, url, prefix, needle):
    response = web(xiaohe).get(url, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    flat = " ".join(str(cell) for cell in rows[0] if cell is not None)
    assert "白寺" not in flat


@pytest.mark.parametrize(("key", "url", "prefix", "needle"), MODELS, ids=IDS)
def test_worker_api_lists_opens_and_edits_only_their_station(api, xiaohe, records, key, url, prefix, needle):
    client = api(xiaohe)
    listing = client.get(f"/api/v1/{prefix}/").json()
    assert [row["id"] for row in listing["results"]] == [records["xiaohe"][key].pk]
    searched = client.get(f"/api/v1/{prefix}/", {"q": needle(records["baisi"])}).json()
    assert searched["results"] == []
    other = records["baisi"][key]
    assert client.get(f"/api/v1/{prefix}/{other.pk}/").status_code == 404
    response = client.patch(f"/api/v1/{prefix}/{other.pk}/", {}, format="json")
    assert response.status_code in {404, 405}


@pytest.mark.parametrize(("key", "url", "prefix", "needle"), MODELS, ids=IDS)
def test_bureau_sees_both_stations(web, api, bureau, records, key, url, prefix, needle):
    expected = {records["xiaohe"][key].pk, records["baisi"][key].pk}
    assert {obj.pk for obj in web(bureau).get(url).context["object_list"]} == expected
    assert {row["id"] for row in api(bureau).get(f"/api/v1/{prefix}/").json()["results"]} == expected


def test_monthly_reports_are_scoped(web, api, xiaohe, bureau, station_xiaohe, station_baisi):
    import datetime

    from services.models import MonthlyReport

    mine = MonthlyReport.objects.create(station=station_xiaohe, month=datetime.date(2024, 1, 1))
    theirs = MonthlyReport.objects.create(station=station_baisi, month=datetime.date(2024, 1, 1))
    page = web(xiaohe).get("/services/monthly-reports/")
    assert [r.pk for r in page.context["object_list"]] == [mine.pk]
    assert [row["station_id"] for row in page.context["status_table"].rows] == [station_xiaohe.pk]
    assert web(xiaohe).get(f"/services/monthly-reports/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in api(xiaohe).get("/api/v1/monthly-reports/").json()["results"]] == [mine.pk]
    assert api(xiaohe).get(f"/api/v1/monthly-reports/{theirs.pk}/").status_code == 404
    sheet = load_workbook(io.BytesIO(web(xiaohe).get("/services/monthly-reports/", {"export": "xlsx"}).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["小河站"]
    assert {r.pk for r in web(bureau).get("/services/monthly-reports/").context["object_list"]} == {mine.pk, theirs.pk}


def test_client_search_offers_only_the_workers_station(web, xiaohe, records):
    response = web(xiaohe).get("/services/client-search/", {"q": records["baisi"]["client"].name})
    assert records["baisi"]["client"].name not in response.content.decode()
    response = web(xiaohe).get("/services/client-search/", {"q": records["xiaohe"]["client"].name})
    assert records["xiaohe"]["client"].name in response.content.decode()


def test_form_refuses_a_client_of_another_station(web, xiaohe, records):
    from services.models import Visit

    before = Visit.objects.count()
    response = web(xiaohe).post("/services/visits/add/", {
        "clients": [records["baisi"]["client"].pk], "visited_on": "2024-05-02", "kind": "home_visit"})
    assert response.status_code == 200
    assert "clients" in response.context["form"].errors
    assert Visit.objects.count() == before
