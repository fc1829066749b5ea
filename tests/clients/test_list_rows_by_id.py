"""The registry's lists read a page's rows by their ids (``ObjectListView.rows_by_id``): the list's
query picks the page's ids in a subquery, then only those rows are joined and read, in one query.
At city scale picking whole rows made PostgreSQL read, join and sort every client of a county,
or walk the due-date index through the other counties' clients: 32 -> 7 ms for a county's
worklist of 特困 (docs/scaling.md, "The registry's lists at city scale"). Same rows, same order."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from portal.views import CappedCountPaginator
from tests.reports.test_figures import DISABLED, LOW, make_client


@pytest.fixture
def many(db, station_xiaohe, station_baisi):
    """Seven clients in each of two stations, some holding 低保, some overdue."""
    today = datetime.date.today()
    people = []
    for n in range(14):
        station = station_xiaohe if n % 2 else station_baisi
        person = make_client(station, LOW if n % 3 else DISABLED, name=f"测试{n:02d}")
        Client.objects.filter(pk=person.pk).update(next_visit_due=today - datetime.timedelta(days=n % 5))
        people.append(person)
    return people


def test_a_page_by_ids_holds_the_rows_of_the_plain_slice(many):
    queryset = Client.objects.filter(categories__category=LOW).order_by("next_visit_due", "pk")
    rows = Client.objects.select_related("station")
    for number in (1, 2, 3):
        plain = Paginator(queryset, 3, orphans=1).page(number)
        by_id = CappedCountPaginator(queryset, 3, orphans=1, wanted_page=number, rows=rows).page(number)
        assert list(by_id.object_list) == list(plain.object_list), number
    # the default order (Meta.ordering: newest first) when the list names none
    unordered = Client.objects.filter(station__short_name="小河站")
    assert list(CappedCountPaginator(unordered, 4, rows=rows).page(1).object_list) == list(
        Client.objects.filter(station__short_name="小河站").order_by("-id")[:4])


@pytest.mark.parametrize("query", [{}, {"category": LOW}, {"page": "2"}, {"q": "测试"}, {"risk_level": "low"}])
def test_the_registry_and_the_worklist_show_the_same_rows_by_ids(many, web, bureau, monkeypatch, query):
    from clients.views import ClientListView, WorklistView

    client = web(bureau)
    for view, url in ((ClientListView, "/clients/"), (WorklistView, "/clients/worklist/")):
        monkeypatch.setattr(view, "paginate_by", 4)
        with CaptureQueriesContext(connection) as queries:
            by_id = [row.pk for row in client.get(url, query).context["object_list"]]
        captured = [q["sql"] for q in queries.captured_queries]  # (the next request empties the log)
        monkeypatch.setattr(view, "rows_by_id", False)
        plain = client.get(url, query)
        assert by_id == [row.pk for row in plain.context["object_list"]], (url, query)
        assert by_id, (url, query)
        monkeypatch.undo()
        # one query reads the page: its ids picked in a subquery, its rows by id
        page = [sql for sql in captured if sql.startswith('SELECT "clients_client"."id"')
                and '"clients_client"."id" IN (SELECT' in sql]
        assert len(page) == 1 and "LIMIT" in page[0].split("IN (SELECT", 1)[1], (url, query)
