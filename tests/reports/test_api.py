"""The figures API: /api/v1/reports/annual/ and /monthly/, scoped, with clear 400s and 404s."""

import datetime

from reports import figures
from stations.models import Station

from .test_figures import CHILD, EXTREME, LOW, make_client, make_link, make_visit

D = datetime.date


def _records(station_xiaohe, station_baisi):
    make_visit(make_client(station_xiaohe, LOW, CHILD), D(2023, 5, 3))
    make_visit(make_client(station_baisi, EXTREME), D(2023, 5, 20))
    make_visit(make_client(station_baisi, EXTREME), D(2023, 8, 1))
    make_link(station_xiaohe, D(2023, 5, 4), "300")


def test_annual_figures_as_the_bureau(db, api, bureau, station_xiaohe, station_baisi):
    _records(station_xiaohe, station_baisi)
    response = api(bureau).get("/api/v1/reports/annual/", {"year": "2023"})
    assert response.status_code == 200
    data = response.json()
    assert list(data) == figures.KEYS
    assert data["stations"] == 11
    assert data["visits"] == 3
    assert data["visited_clients_by_category"]["extreme_poverty"] == 2
    assert data["resources_linked_amount"] == "300.00"
    assert data == figures.for_user(bureau, start=D(2023, 1, 1), end=D(2023, 12, 31))


def test_monthly_figures_and_station_narrowing(db, api, bureau, station_xiaohe, station_baisi):
    _records(station_xiaohe, station_baisi)
    client = api(bureau)
    may = client.get("/api/v1/reports/monthly/", {"month": "2023-05"}).json()
    assert (may["visits"], may["stations"]) == (2, 11)
    baisi_may = client.get("/api/v1/reports/monthly/", {"month": "2023-05", "station": station_baisi.pk}).json()
    assert (baisi_may["visits"], baisi_may["stations"]) == (1, 1)
    assert baisi_may["visited_clients_by_category"] == {
        code: int(code == "extreme_poverty") for code in figures.CATEGORY_CODES}


def test_a_worker_gets_their_station_only(db, api, xiaohe, station_xiaohe, station_baisi):
    _records(station_xiaohe, station_baisi)
    client = api(xiaohe)
    own = client.get("/api/v1/reports/annual/", {"year": 2023}).json()
    assert (own["stations"], own["visits"], own["resources_linked_amount"]) == (1, 1, "300.00")
    assert client.get("/api/v1/reports/annual/", {"year": 2023, "station": station_xiaohe.pk}).json() == own
    response = client.get("/api/v1/reports/annual/", {"year": 2023, "station": station_baisi.pk})
    assert response.status_code == 404
    unknown = client.get("/api/v1/reports/annual/", {"year": 2023, "station": 99999})
    assert unknown.status_code == 404


def test_the_city_viewer_sees_every_county_below(db, api, city):
    data = api(city).get("/api/v1/reports/annual/", {"year": 2023}).json()
    assert data["stations"] == Station.objects.open_on(D(2023, 12, 31)).count()


def test_bad_input_answers_400_with_a_clear_message(db, api, bureau):
    client = api(bureau)
    for params, field in [
        ({}, "year"), ({"year": "twenty"}, "year"), ({"year": "1999"}, "year"), ({"year": "2023", "station": "x"},
                                                                              "station"),
    ]:
        response = client.get("/api/v1/reports/annual/", params)
        assert response.status_code == 400, params
        assert field in response.json()
    response = client.get("/api/v1/reports/monthly/", {"month": "2023-13"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.json()["month"][0]
    assert client.get("/api/v1/reports/monthly/").status_code == 400


def test_anonymous_callers_are_refused(db, client):
    assert client.get("/api/v1/reports/annual/?year=2023").status_code in (401, 403)


def test_the_schema_documents_both_endpoints(db, api, bureau):
    schema = api(bureau).get("/api/schema/", {"format": "json"}).json()
    annual = schema["paths"]["/api/v1/reports/annual/"]["get"]
    assert {p["name"] for p in annual["parameters"]} >= {"year", "station"}
    assert "/api/v1/reports/monthly/" in schema["paths"]
    assert "visited_clients_by_category" in schema["components"]["schemas"]["Figures"]["properties"]
