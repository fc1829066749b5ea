"""The people behind a visited-by-category figure are kept with the rollup cell
(``reports.models.VisitedClient``): the "clients visited in the period" list of a month or a
year reads those rows (an index range) instead of joining a year of visits with the
memberships, which took 740-854 ms for a county bureau at city scale (docs/scaling.md, the
crawl). The rows follow every write the cell follows, and the list still equals the figure."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.filters import visited_in_period
from clients.models import CategoryMembership, Client
from reports import figures
from reports.models import EverVisitedClient, StationPeriodFigures, VisitedClient

from .test_figures import EXTREME, LOW, OTHER, make_client, make_visit

D = datetime.date
YEAR = "/clients/?visited_since=2023-01-01&visited_until=2023-12-31&visited_category={}&exact=1"
MONTH = "/clients/?visited_since=2023-05-01&visited_until=2023-05-31&visited_category={}&exact=1"


def listed(client, url):
    """The ids the list shows on its first page, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return {c.pk for c in response.context["page_obj"].object_list}, " ".join(q["sql"] for q in queries)


def test_the_list_of_a_year_reads_the_kept_rows_and_equals_the_figure(db, web, bureau, station_xiaohe,
                                                                        station_baisi):
    a = make_client(station_xiaohe, LOW, EXTREME)
    b = make_client(station_baisi, (LOW, D(2023, 6, 1), None))
    make_visit(a, D(2023, 5, 3))
    make_visit(b, D(2023, 5, 10))  # before b held 低保
    make_visit(b, D(2023, 8, 1))
    page = web(bureau)
    shown, sql = listed(page, YEAR.format(LOW))  # the first read recounts the cells the visits marked
    assert shown >= {a.pk, b.pk} and "services_visit" in sql
    shown, sql = listed(page, YEAR.format(LOW))  # then the list is the kept rows alone
    assert shown >= {a.pk, b.pk}
    assert "reports_visitedclient" in sql and "services_visit" not in sql
    stations = [station_xiaohe.pk, station_baisi.pk]
    figure = figures.compute(station_ids=stations, start=D(2023, 1, 1), end=D(2023, 12, 31))
    assert figure["visited_clients_by_category"][LOW] == VisitedClient.objects.filter(
        kind="year", period_start=D(2023, 1, 1), category=LOW, station__in=stations).count()
    shown, _sql = listed(page, MONTH.format(LOW))
    assert a.pk in shown and b.pk not in shown  # in May b did not hold 低保 yet


def test_a_write_shows_in_the_list_at_once(db, web, bureau, station_xiaohe):
    a = make_client(station_xiaohe, OTHER)
    page = web(bureau)
    assert a.pk not in listed(page, YEAR.format(OTHER))[0]
    visit = make_visit(a, D(2023, 3, 9))
    assert a.pk in listed(page, YEAR.format(OTHER))[0]
    membership = CategoryMembership.objects.get(client=a)
    membership.start_on = D(2023, 4, 1)  # no longer held on the day of the visit
    membership.save()
    assert a.pk not in listed(page, YEAR.format(OTHER))[0]
    visit.visited_on = D(2023, 4, 2)
    visit.save()
    assert a.pk in listed(page, YEAR.format(OTHER))[0]
    visit.delete()
    assert a.pk not in listed(page, YEAR.format(OTHER))[0]


def test_another_period_joins_the_records_and_finds_the_same_people(db, web, bureau, station_xiaohe):
    a = make_client(station_xiaohe, EXTREME)
    make_visit(a, D(2023, 5, 3))
    shown, sql = listed(web(bureau), "/clients/?visited_since=2023-05-02&visited_until=2023-05-04"
                                     f"&visited_category={EXTREME}&exact=1")
    assert a.pk in shown and "services_visit" in sql


def test_rebuild_writes_the_rows_and_reconcile_checks_them(db, station_xiaohe):
    a = make_client(station_xiaohe, LOW)
    make_visit(a, D(2023, 5, 3))
    VisitedClient.objects.all().delete()
    StationPeriodFigures.objects.update(dirty=False)
    missing = {(station, kind, start, field) for station, kind, start, field, have, want in figures.reconcile()
               if have == 0 and want > 0}
    assert (station_xiaohe.pk, "year", D(2023, 1, 1), f"visited_{LOW} (people)") in missing
    figures.rebuild()
    assert figures.reconcile() == []
    assert VisitedClient.objects.filter(client=a, kind="month", period_start=D(2023, 5, 1), category=LOW).exists()


def test_a_category_with_no_period_is_every_years_kept_people(db, web, bureau, station_xiaohe, station_baisi):
    """``?visited_category=`` alone ("visited ever while holding it") joined every visit of the
    scope (110 ms for a county bureau at city scale, make bench's crawl): it reads the people of
    the kept years (``EverVisitedClient``: the year rows made distinct), the same people as the
    join."""
    a = make_client(station_xiaohe, LOW)
    b = make_client(station_baisi, (LOW, D(2022, 6, 1), D(2022, 12, 31)))
    c = make_client(station_baisi, (LOW, D(2024, 1, 1), None))
    make_visit(a, D(2021, 3, 3))
    make_visit(b, D(2022, 7, 1))
    make_visit(c, D(2023, 8, 1))  # before c held 低保
    make_visit(a, D(2024, 2, 2))
    page = web(bureau)
    url = f"/clients/?visited_category={LOW}&exact=1"
    shown, _sql = listed(page, url)  # the first read recounts the cells the visits marked
    assert {a.pk, b.pk} <= shown and c.pk not in shown
    shown, sql = listed(page, url)
    assert {a.pk, b.pk} <= shown and c.pk not in shown
    # the kept people of every year, not each year's rows made distinct again
    assert "reports_evervisitedclient" in sql and "reports_visitedclient" not in sql
    assert "services_visit" not in sql
    joined = set(Client.objects.filter(pk__in=visited_in_period(category=LOW)).values_list("pk", flat=True))
    assert shown == joined
    make_visit(c, D(2024, 3, 1))  # a write shows at once
    assert c.pk in listed(page, url)[0]
    assert _ever() == _years_distinct()


def _ever():
    return set(EverVisitedClient.objects.values_list("station", "category", "client"))


def _years_distinct():
    return set(VisitedClient.objects.filter(kind="year").values_list("station", "category", "client").distinct())


def test_the_kept_years_people_follow_the_year_rows(db, station_xiaohe, station_baisi):
    """``EverVisitedClient`` is the year rows made distinct, rewritten with them: a recount of a
    year, a visit moved out of the last year that held it, ``rebuild``; ``reconcile`` finds a
    difference."""
    a = make_client(station_xiaohe, LOW, EXTREME)
    b = make_client(station_baisi, LOW)
    make_visit(a, D(2022, 3, 3))
    make_visit(a, D(2023, 3, 3))  # the same person in two years: one row
    visit = make_visit(b, D(2023, 4, 4))
    figures.refresh_all_dirty()
    assert _ever() == _years_distinct()
    assert {(station_xiaohe.pk, LOW, a.pk), (station_xiaohe.pk, EXTREME, a.pk),
            (station_baisi.pk, LOW, b.pk)} <= _ever()
    assert EverVisitedClient.objects.filter(client=a, category=LOW).count() == 1
    visit.delete()  # b's only visit: no longer anyone's
    figures.refresh_all_dirty()
    assert _ever() == _years_distinct() and not EverVisitedClient.objects.filter(client=b).exists()
    assert figures.reconcile() == []
    EverVisitedClient.objects.filter(client=a).delete()
    assert {(station, field) for station, kind, _start, field, _have, _want in figures.reconcile()
            if kind == "ever"} == {(station_xiaohe.pk, f"visited_{LOW} (people)"),
                                   (station_xiaohe.pk, f"visited_{EXTREME} (people)")}
    figures.rebuild()
    assert _ever() == _years_distinct() and figures.reconcile() == []
