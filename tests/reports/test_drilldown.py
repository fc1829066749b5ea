"""Every figure opens exactly its records (issue 18): each figure link of the county dashboard,
a station's dashboard, the annual page and a monthly report, for two periods, leads to a list
whose exact total is the figure; periods from the scope's first record; the city viewer's
county table and its drill into a county's dashboard."""

import datetime
import html
import re

import pytest
from django.core.paginator import Paginator

from portal.views import CappedCount, CappedCountPaginator
from reports import figures
from services.models import MonthlyReport
from stations.models import Region, Station

from .test_figures import (
    CHILD,
    DISABLED,
    EXTREME,
    LOW,
    OTHER,
    make_activity,
    make_case,
    make_client,
    make_evaluation,
    make_group,
    make_link,
    make_supervision,
    make_training,
    make_visit,
    make_volunteer,
    make_volunteer_service,
    worker_of,
)

D = datetime.date


@pytest.fixture
def records(db, station_xiaohe, station_baisi):
    """Records that tell the definitions apart: a category that ends or begins mid-year, a client
    in two categories, a group made today whose first session was in 2023 and one whose first
    session was in 2022, a 2022 case with 2023 service notes."""
    c1 = make_client(station_xiaohe, LOW, EXTREME)
    c2 = make_client(station_xiaohe, (CHILD, D(2022, 1, 1), D(2023, 6, 30)), born=D(2012, 4, 1))
    c3 = make_client(station_xiaohe, (DISABLED, D(2023, 7, 1), None))
    c4 = make_client(station_baisi, LOW)
    c5 = make_client(station_baisi, OTHER)
    for client, days in [(c1, [D(2023, 5, 3), D(2023, 5, 20), D(2023, 8, 1)]), (c2, [D(2023, 5, 10), D(2023, 9, 10)]),
                         (c3, [D(2023, 5, 15), D(2023, 10, 1)]), (c4, [D(2023, 5, 5), D(2024, 1, 5)]),
                         (c5, [D(2022, 12, 30), D(2023, 1, 2)])]:
        for day in days:
            make_visit(client, day)
    make_link(station_xiaohe, D(2023, 5, 4), "88.50")
    make_link(station_baisi, D(2023, 12, 31), "11.25")
    make_link(station_xiaohe, D(2024, 1, 2), "5.00")
    make_case(station_xiaohe, D(2023, 5, 1), notes=[D(2023, 5, 2), D(2023, 6, 1)])
    make_case(station_baisi, D(2022, 11, 1), notes=[D(2023, 5, 3)])
    make_group(station_xiaohe, (D(2023, 5, 6), 8), (D(2023, 5, 20), 7))
    make_group(station_baisi, (D(2022, 12, 1), 5), (D(2023, 5, 7), 6))
    make_activity(station_xiaohe, D(2023, 5, 8), 30)
    make_activity(station_baisi, D(2023, 7, 1), 12)
    make_training(D(2023, 5, 9), "3", attendees=[worker_of(station_xiaohe)])
    make_training(D(2023, 11, 1), "2")
    make_supervision(station_xiaohe, D(2023, 5, 10), "2")
    make_supervision(station_baisi, D(2023, 6, 10), "1.5")
    make_evaluation(station_xiaohe, D(2023, 5, 20))
    student, helper = make_volunteer(station_xiaohe), make_volunteer(station_baisi, "郭秀梅")
    make_volunteer_service(student, D(2023, 5, 8), "2.5")  # one volunteer twice: counted once
    make_volunteer_service(student, D(2023, 5, 9), "1.5")
    make_volunteer_service(helper, D(2023, 7, 1), "3")


def _get(client, url):
    response = client.get(html.unescape(url))
    assert response.status_code == 200, url
    return response


def _list_total(client, url):
    """The exact total a list reached from a figure shows (never the capped "500+")."""
    response = _get(client, url)
    count = response.context["paginator"].count
    assert not isinstance(count, CappedCount)
    assert f"共 {count} 条记录" in response.content.decode() or count <= 0 or "条记录" in response.content.decode()
    return response, count


def _total_of(client, key, url):
    """What the list behind figure ``key`` totals, following the people-served parts."""
    if re.fullmatch(r"/stations/\d+/", url):
        assert _get(client, url).context["object"].opened_on <= datetime.date(2023, 1, 1)
        return 1  # a station's own page: the one station, open
    if key == "people_served":
        response = _get(client, url)
        parts = re.findall(r'<a href="([^"]+)" data-part>([\d,]+)</a>', response.content.decode())
        assert len(parts) == 4
        total = 0
        for (part_url, shown), kind in zip(parts, ["visits", "participants", "attendance", "notes"], strict=True):
            page, count = _list_total(client, part_url)
            value = count if kind == "visits" else page.context["list_totals"][0][1]
            assert value == int(shown.replace(",", "")), (kind, part_url)
            total += value
        assert total == response.context["total"]
        return total
    response, count = _list_total(client, url)
    if key == "resources_linked_amount":
        return response.context["list_totals"][0][1]
    if key == "volunteers":  # the volunteer-service list: distinct volunteers, then hours
        return response.context["list_totals"][0][1]
    if key == "volunteer_hours":
        hours = response.context["list_totals"][1][1]
        return int(hours) if hours == int(hours) else float(hours)
    return count


def _check(client, pairs):
    """Follow every (key, value, url) and compare; returns how many were followed."""
    followed = 0
    for key, value, url in pairs:
        assert url, key
        assert str(_total_of(client, key, url)) == str(value), (key, url)
        followed += 1
    return followed


def _dashboard_pairs(response):
    pairs = [(card["key"], card["value"], card["url"]) for card in response.context["cards"]]
    pairs += [(f"category:{c['code']}", c["value"], c["url"]) for c in response.context["categories"]]
    return pairs


@pytest.mark.parametrize("params", [{"year": 2023}, {"year": 2023, "month": 5}])
def test_every_figure_of_the_county_dashboard_opens_exactly_its_records(records, web, bureau, params):
    client = web(bureau)
    response = client.get("/", params)
    assert _check(client, _dashboard_pairs(response)) == 19
    rows = response.context["station_rows"]
    keys = ["social_workers", "visits", "people_served", "casework", "groupwork", "community_activities",
            "supervisions", "resources_linked_amount"]
    for row in [*rows["rows"][:2], {"cells": rows["footer"]}]:
        _check(client, [(key, cell["value"], cell["url"]) for key, cell in zip(keys, row["cells"], strict=True)])


@pytest.mark.parametrize("params", [{"year": 2023}, {"year": 2023, "month": 5}])
def test_every_figure_of_a_station_dashboard_opens_exactly_its_records(records, web, bureau, xiaohe, station_baisi,
                                                                      params):
    _check(web(xiaohe), _dashboard_pairs(web(xiaohe).get("/", params)))
    client = web(bureau)
    _check(client, _dashboard_pairs(client.get("/", {**params, "station": station_baisi.pk})))


def test_the_figures_that_told_the_old_lists_apart(records, web, bureau):
    """Groups by first session (the group made today counts in 2023), categories held on the
    visit date (the child whose category ended in June counts in May, not for the autumn)."""
    response = web(bureau).get("/", {"year": 2023})
    cards = {card["key"]: card["value"] for card in response.context["cards"]}
    categories = {c["code"]: c["value"] for c in response.context["categories"]}
    assert cards["groupwork"] == 1 and cards["visits"] == 9
    assert cards["people_served"] == 9 + 42 + 21 + 3
    assert (categories[CHILD], categories[DISABLED], categories[LOW], categories[OTHER]) == (1, 1, 2, 1)


@pytest.mark.parametrize("year", ["2023", "2024"])
def test_every_figure_of_the_annual_page_opens_exactly_its_records(records, web, bureau, year):
    client = web(bureau)
    response = client.get(f"/reports/annual/{year}/")
    rows = response.context["rows"]
    pairs = [(key, value, url) for _label, value, _fmt, url, key in rows
             if not key.endswith("_hours") or key == "volunteer_hours"]
    pairs += [(f"category:{code}", count, url) for _label, count, url, code in response.context["categories"]]
    assert _check(client, pairs) == 13 + 7  # volunteers and their hours: the totals of one list


@pytest.mark.parametrize("month", [D(2023, 5, 1), D(2024, 1, 1)])
def test_every_figure_of_a_monthly_report_opens_exactly_its_records(records, web, bureau, station_xiaohe, month):
    report = MonthlyReport.objects.create(station=station_xiaohe, month=month, status="submitted",
                                          summary="详见系统统计")
    client = web(bureau)
    response = client.get(report.get_absolute_url())
    shown = response.context["month_figures"]
    assert len(shown["periods"]) == 3
    assert shown["periods"][0] == f"{month:%Y-%m}"
    pairs = [(row["key"], cell["value"], cell["url"]) for row in shown["rows"] for cell in row["cells"]]
    assert _check(client, pairs) == 3 * (8 + 7)
    may = figures.compute(station_ids=[station_xiaohe.pk], **dict(zip(("start", "end"),
                                                                      figures.month_period(month), strict=True)))
    assert shown["rows"][0]["cells"][0]["value"] == may["visits"]
    assert 'id="month-figures"' in response.content.decode()


def test_a_list_opened_from_a_figure_counts_exactly(db, monkeypatch):
    regions = Region.objects.order_by("pk")
    assert regions.count() > 11
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    browsing = CappedCountPaginator(regions, 1)
    assert isinstance(browsing.count, CappedCount) and str(browsing.count) == "11+"
    assert CappedCountPaginator(regions, 1, exact=True).count == Paginator(regions, 1).count


def test_years_run_from_the_scopes_first_record(db, web, bureau, station_xiaohe):
    make_visit(make_client(station_xiaohe, LOW), D(2021, 3, 4))
    client = web(bureau)
    response = client.get("/", {"year": 2021})
    assert response.context["year"] == 2021
    assert not response.context["form"].errors
    assert response.context["figures"]["visits"] == 1
    before = client.get("/", {"year": 2020})
    assert before.context["form"].errors["year"]
    assert 'id="dashboard-errors"' in before.content.decode()
    future = client.get("/", {"year": datetime.date.today().year, "month": 12})
    if datetime.date.today().month < 12:
        assert future.context["form"].errors["month"]


def test_the_city_viewer_sees_counties_with_their_bureaus_figures(records, web, city, bureau, station_xiaohe):
    MonthlyReport.objects.create(station=station_xiaohe, month=D(2023, 12, 1), status="submitted")
    client = web(city)
    response = client.get("/", {"year": 2023})
    columns = {column["county"].code: column for column in response.context["counties"]["columns"]}
    assert set(columns) == {"410602", "410603", "410611", "410621", "410622"}
    xun = figures.for_user(bureau, start=D(2023, 1, 1), end=D(2023, 12, 31))
    for key in ("stations", "social_workers", "visits", "people_served", "casework", "groupwork",
                "community_activities", "trainings", "supervisions", "resources_linked_amount"):
        assert columns["410621"]["figures"][key] == xun[key], key
        for code in ("410602", "410603", "410611", "410622"):
            assert str(columns[code]["figures"][key]) in {"0", "0.00"}, (code, key)
    page = response.content.decode()
    assert 'id="county-chart"' in page and response.context["chart_data"]["counties"]["names"]
    # The city's stations are read county by county: its dashboard lists counties, not stations
    # (a city's 100 stations took 800 links to render), and each county's dashboard its stations.
    assert "station_rows" not in response.context
    # and its monthly reports by county, each drilling into the county's own report table
    assert response.context["report_rows"] == []
    reports = {row["region"].code: row for row in response.context["region_reports"]}
    assert set(reports) == set(columns)
    assert reports["410621"]["stations"] == columns["410621"]["figures"]["stations"] == 11
    assert reports["410621"]["url"] == columns["410621"]["url"]
    assert reports["410621"]["submitted"] == 1 and reports["410602"]["submitted"] == 0
    # Drilling into Xun County: the bureau's own dashboard figures, and no link to a person list.
    drilled = client.get(html.unescape(columns["410621"]["url"]))
    assert drilled.status_code == 200
    own = web(bureau).get("/", {"year": 2023})
    assert [(c["key"], c["value"]) for c in drilled.context["cards"]] == [(c["key"], c["value"])
                                                                          for c in own.context["cards"]]
    assert [c["value"] for c in drilled.context["categories"]] == [c["value"] for c in own.context["categories"]]
    linked = [(card["key"], card["value"], card["url"]) for card in drilled.context["cards"] if card["url"]]
    # Every figure whose list a figures-only viewer may open (SPEC §1) links to it, narrowed to
    # the county (the lists' county filter): trainings, supervisions and evaluations too.
    assert {key for key, _value, _url in linked} == {
        "stations", "social_workers", "community_activities", "trainings", "supervisions", "station_evaluations"}
    assert all(card["url"] is None for card in drilled.context["cards"]
               if card["key"] in {"visits", "people_served", "resources_linked_amount", "casework", "groupwork"})
    assert _check(client, linked) == len(linked)
    for month in (5, 11):  # a month of the county too
        narrowed = client.get(html.unescape(columns["410621"]["url"]) + f"&month={month}")
        assert narrowed.context["county"].code == "410621" and narrowed.context["month"] == month
        pairs = [(card["key"], card["value"], card["url"]) for card in narrowed.context["cards"] if card["url"]]
        assert _check(client, pairs) == len(linked)
    footer = drilled.context["station_rows"]["footer"]
    assert _check(client, [(key, cell["value"], cell["url"]) for key, cell in
                           zip(["social_workers", "visits", "people_served", "casework", "groupwork",
                                "community_activities", "supervisions", "resources_linked_amount"], footer, strict=True)
                           if cell["url"]]) == 3
    assert all(c["url"] is None for c in drilled.context["categories"])
    for path in re.findall(r'href="(/(?:services|clients)/[^"]*)"', drilled.content.decode()):
        assert client.get(html.unescape(path)).status_code == 200, path


def test_people_served_page_refuses_bad_input_and_the_city_viewer(db, web, bureau, city):
    bad = web(bureau).get("/reports/people-served/", {"since": "2023-12-01", "until": "2023-01-01"})
    assert bad.status_code == 400
    assert "alert-danger" in bad.content.decode()
    assert web(city).get("/reports/people-served/", {"since": "2023-01-01", "until": "2023-12-31"}).status_code == 403
    other = Station.objects.order_by("pk").last()
    assert web(bureau).get("/reports/people-served/", {"since": "2023-01-01", "until": "2023-12-31",
                                                        "station": other.pk + 1000}).status_code == 404
