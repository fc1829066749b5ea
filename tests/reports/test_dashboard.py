"""The dashboard at /: the user's scope, filters, links to the records, a saved visit showing
at once, and a number of queries that does not grow with stations or records."""

import datetime
import re

from django.utils import timezone

from stations.models import Station

from .test_figures import CHILD, EXTREME, LOW, make_case, make_client, make_group, make_link, make_visit

D = datetime.date


def _figure(response, key):
    """The value shown on the page by the figure card of SPEC key ``key``."""
    html = response.content.decode()
    found = re.search(r'data-key="' + key + r'">\s*<div[^>]*>.*?</div>\s*<div class="figure-value">([^<]+)<', html)
    assert found, key
    return found[1].strip()


def test_the_bureau_sees_the_county_with_every_number_linked(db, web, bureau, station_xiaohe, station_baisi):
    make_visit(make_client(station_xiaohe, LOW, CHILD), D(2023, 5, 3))
    make_visit(make_client(station_baisi, EXTREME), D(2023, 6, 3))
    make_link(station_baisi, D(2023, 6, 4), "88.50")
    response = web(bureau).get("/", {"year": 2023})
    assert response.status_code == 200
    assert _figure(response, "visits") == "2"
    assert _figure(response, "stations") == "11"
    assert _figure(response, "resources_linked_amount") == "88.50"
    html = response.content.decode()
    assert "/services/visits/?since=2023-01-01&amp;until=2023-12-31" in html
    assert html.count('id="station-table"') == 1
    assert len(response.context["station_rows"]["rows"]) == 11
    for card in response.context["cards"]:
        assert card["url"].startswith("/"), card["label"]
    for row in response.context["station_rows"]["rows"]:
        assert all(cell["url"].startswith("/") for cell in row["cells"])
    assert response.context["station_rows"]["footer"][1]["value"] == 2  # visits add up to the county's


def test_the_month_and_station_filters(db, web, bureau, station_xiaohe, station_baisi):
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    make_visit(make_client(station_baisi, LOW), D(2023, 5, 9))
    make_visit(make_client(station_baisi, LOW), D(2023, 7, 9))
    client = web(bureau)
    may = client.get("/", {"year": 2023, "month": 5})
    assert _figure(may, "visits") == "2"
    baisi_may = client.get("/", {"year": 2023, "month": 5, "station": station_baisi.pk})
    assert _figure(baisi_may, "visits") == "1"
    assert _figure(baisi_may, "stations") == "1"
    assert "station_rows" not in baisi_may.context
    assert f"station={station_baisi.pk}" in baisi_may.context["cards"][2]["url"]


def test_bad_filters_get_a_message_and_the_default_view(db, web, bureau):
    response = web(bureau).get("/", {"year": "abc", "month": "13", "station": "999999"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"year", "month", "station"} <= set(errors)
    assert response.context["year"] == timezone.localdate().year


def test_a_worker_gets_their_stations_version(db, web, xiaohe, station_xiaohe, station_baisi):
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    make_visit(make_client(station_baisi, LOW), D(2023, 5, 9))
    response = web(xiaohe).get("/", {"year": 2023, "station": station_baisi.pk})
    assert response.status_code == 200
    assert response.context["station"] == station_xiaohe
    assert _figure(response, "visits") == "1"
    assert "station" not in response.context["form"].fields
    assert "station_rows" not in response.context
    assert "白寺站" not in response.content.decode()


def test_the_city_viewer_gets_counties_side_by_side(db, web, city):
    response = web(city).get("/", {"year": 2023})
    assert response.status_code == 200
    names = [column["county"].name for column in response.context["counties"]["columns"]]
    assert "浚县" in names and len(names) == 5


def test_a_visit_saved_now_shows_at_once(db, web, xiaohe_head, station_xiaohe):
    client = web(xiaohe_head)
    today = timezone.localdate()
    before = int(_figure(client.get("/"), "visits"))
    make_visit(make_client(station_xiaohe, EXTREME), today)
    assert int(_figure(client.get("/"), "visits")) == before + 1


def test_management_figures(db, web, bureau, station_xiaohe):
    case = make_case(station_xiaohe, D(2023, 2, 1))
    case.stage, case.closed_on = "closed", D(2023, 3, 3)
    case.save()
    make_case(station_xiaohe, D(2023, 4, 1))
    overdue = make_client(station_xiaohe, LOW)
    overdue.next_visit_due = timezone.localdate() - datetime.timedelta(days=3)
    overdue.save()
    response = web(bureau).get("/", {"year": 2023})
    closure = response.context["closure"]
    assert (closure["opened"], closure["closed"], closure["rate"], closure["average_days"]) == (2, 1, 50, 30)
    assert response.context["overdue_totals"]["visits"] >= 1
    assert "overdue=yes" in response.context["overdue_totals"]["visits_url"]
    assert len(response.context["report_rows"]) == 11


def test_queries_do_not_grow_with_stations_or_records(db, web, bureau, count_queries, station_xiaohe):
    client = web(bureau)
    client.get("/", {"year": 2023})  # warm the session and the rollup
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    client.get("/", {"year": 2023})
    few = count_queries(lambda: client.get("/", {"year": 2023}))
    for station in Station.objects.all():
        for month in (1, 4, 9):
            make_visit(make_client(station, LOW, CHILD), D(2023, month, 5))
        make_case(station, D(2023, 3, 3), notes=[D(2023, 3, 4)])
        make_group(station, (D(2023, 6, 1), 9))
    client.get("/", {"year": 2023})  # refreshes the touched cells once
    many = count_queries(lambda: client.get("/", {"year": 2023}))
    assert many == few


def test_contract_targets_achieved(db, web, bureau, station_xiaohe):
    from funding import services as funding_services
    from stations.models import Organisation

    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    make_visit(make_client(station_xiaohe, LOW), D(2023, 6, 3))
    contract = funding_services.contract_create(
        stations=[station_xiaohe], county=station_xiaohe.county, year=2023, code="T-2023-1", name="小河站运营项目",
        contractor=Organisation.objects.get(short_name="鹤壁七彩"), amount="100000.00", start_on=D(2023, 1, 1),
        end_on=D(2023, 12, 31))
    funding_services.contract_target_set(contract=contract, kind="visits", value=4)
    response = web(bureau).get("/", {"year": 2023})
    (item,) = response.context["contracts"]
    (row,) = item["rows"]
    assert (row["target"], row["achieved"], row["percent"]) == ("4", "2", 50)


def test_the_caseload_counts_each_workers_open_cases(db, web, bureau, station_xiaohe, station_baisi):
    """The heaviest caseloads first, closed cases not counted, a worker of no open case at 0
    (each worker's count is a subquery on the manager index since the city-scale crawl)."""
    from services.choices import CaseStage
    from stations.models import Staff

    from .test_figures import worker_of

    for _ in range(3):
        make_case(station_baisi, D(2023, 5, 1))
    make_case(station_xiaohe, D(2023, 5, 1))
    closed = make_case(station_xiaohe, D(2023, 5, 1))
    closed.stage = CaseStage.CLOSED
    closed.save()
    response = web(bureau).get("/", {"year": 2023})
    counts = {row["pk"]: row["open_cases"] for row in response.context["caseload"]}
    assert counts[worker_of(station_baisi).pk] == 3 and counts[worker_of(station_xiaohe).pk] == 1
    assert response.context["caseload"][0]["pk"] == worker_of(station_baisi).pk
    assert response.context["caseload"][0]["station"] == station_baisi.short_name
    idle = Staff.objects.workers().active(timezone.localdate()).filter(station__county=station_xiaohe.county) \
        .exclude(pk__in=[worker_of(station_baisi).pk, worker_of(station_xiaohe).pk])
    assert all(counts.get(staff.pk, 0) == 0 for staff in idle)
    shown = len(response.context["caseload"])
    assert shown + response.context["caseload_more"] == Staff.objects.workers().active(timezone.localdate()) \
        .filter(station__county=station_xiaohe.county).count()
