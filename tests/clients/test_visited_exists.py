"""Clients visited (in a period, at a service point or at none) without a category: EXISTS per
client, a semi-join PostgreSQL stops at the first visit found. Joined with their visits, a
station's 2,000 clients met their 20,000 visits and were made distinct again (15 + 12 ms for a
worker's "visited with no service point" at city scale; docs/scaling.md, "The registry's lists
at city scale"). The same people as the join: one visit meets every condition."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.filters import visited_in_period
from clients.models import Client
from services.models import Visit
from stations.models import ServicePoint
from tests.reports.test_figures import make_client, make_visit

from .test_list_rows_by_id import LOW

D = datetime.date


def _joined(stations, since=None, until=None, point=None, without_point=False):
    """The same people by the join with the visits (the shape before)."""
    conditions = {"visits__isnull": False}
    if point is not None:
        conditions["visits__service_point"] = point
    elif without_point:
        conditions["visits__service_point__isnull"] = True
    if since is not None:
        conditions["visits__visited_on__gte"] = since
    if until is not None:
        conditions["visits__visited_on__lte"] = until
    return set(Client.objects.filter(station__in=stations, **conditions).values_list("pk", flat=True))


def test_visited_without_a_category_is_the_same_people_as_the_join(db, web, bureau, station_xiaohe, station_baisi):
    point = ServicePoint.objects.create(station=station_xiaohe, name="东村社工室")
    at_point, own, both, never, elsewhere = (make_client(station_xiaohe, LOW, name=n) for n in "甲乙丙丁戊")
    Visit.objects.filter(pk=make_visit(at_point, D(2025, 3, 2)).pk).update(service_point=point)
    make_visit(own, D(2025, 3, 5))
    make_visit(both, D(2024, 12, 30))
    Visit.objects.filter(pk=make_visit(both, D(2025, 3, 9)).pk).update(service_point=point)
    make_visit(elsewhere, D(2025, 3, 3), station=station_baisi)  # visited at another station: still theirs
    stations = [station_xiaohe.pk, station_baisi.pk]
    for kwargs in ({}, {"without_point": True}, {"point": point.pk}, {"since": D(2025, 1, 1)},
                   {"since": D(2025, 3, 1), "until": D(2025, 3, 4)}, {"until": D(2025, 3, 4), "without_point": True},
                   {"since": D(2025, 3, 6), "point": point.pk}):
        found = set(visited_in_period(stations=stations, **kwargs).values_list("pk", flat=True))
        assert found == _joined(stations, **kwargs), kwargs
    assert never.pk not in _joined(stations)
    assert set(visited_in_period(stations=stations, without_point=True).values_list("pk", flat=True)) == {
        own.pk, both.pk, elsewhere.pk}

    client = web(bureau)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/clients/", {"visited_without_point": "true", "station": station_xiaohe.pk})
    assert {row.pk for row in page.context["object_list"]} == {own.pk, both.pk, elsewhere.pk}
    listing = [q["sql"] for q in queries.captured_queries if "services_visit" in q["sql"]]
    assert listing and all("EXISTS" in sql and "JOIN" not in sql.split("EXISTS", 1)[1] for sql in listing), listing


@pytest.mark.parametrize("query", [{"visited_without_point": "true"}, {"visited_since": "2025-03-01"},
                                   {"visited_without_point": "true", "page": "2"},
                                   {"visited_since": "2025-03-04", "visited_until": "2025-03-06"}])
def test_a_visited_list_takes_its_page_from_the_scope_in_order(db, web, bureau, station_xiaohe, station_baisi,
                                                                monkeypatch, query):
    """"Visited with no service point" (or in a period), no category: the page's ids are taken
    from the scope's ids in the list's order and kept while they pass, until the page is full
    (``CappedCountPaginator._ids_in_order``): PostgreSQL had probed every client of a county
    before it sorted them (20,000 EXISTS, 54 ms for a county bureau at city scale). The same
    rows, pages and total as the list filtered and ordered whole."""
    from clients.views import ClientListView

    point = ServicePoint.objects.create(station=station_xiaohe, name="东村社工室")
    for n in range(12):
        person = make_client(station_xiaohe if n % 2 else station_baisi, LOW, name=f"访{n:02d}")
        if n % 4 == 3:
            continue  # never visited
        visit = make_visit(person, D(2025, 3, 1 + n % 7))
        if n % 3 == 0:
            Visit.objects.filter(pk=visit.pk).update(service_point=point)
    client = web(bureau)
    monkeypatch.setattr(ClientListView, "paginate_by", 3)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/clients/", query)
    in_order = [row.pk for row in page.context["object_list"]]
    total = page.context["paginator"].count
    captured = [q["sql"] for q in queries.captured_queries]  # (the next request empties the log)
    monkeypatch.setattr(ClientListView, "rows_by_id", False)
    whole = client.get("/clients/", query)
    assert in_order == [row.pk for row in whole.context["object_list"]], query
    assert in_order and int(total) == int(whole.context["paginator"].count), query
    if connection.vendor == "postgresql":
        picks = [sql for sql in captured if "OFFSET 0) s(pk)" in sql]
        assert len(picks) == 1 and "EXISTS" in picks[0], captured
