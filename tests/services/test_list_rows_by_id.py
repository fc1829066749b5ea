"""The resource links' list reads a page's rows by their ids (``ObjectListView.rows_by_id``): the
page's 50 ids are picked in a subquery, then only those links are joined with their client,
visit, case and activity. Joining a county's every link with the visits before sorting took
0.6-0.8 s at city scale (bench crawl; docs/scaling.md). Same rows, same order, same total."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services import services
from services.choices import ResourceKind, SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(station_xiaohe, station_baisi):
    made = []
    for n in range(9):
        made.append(services.resource_link_record(
            station=station_xiaohe if n % 2 else station_baisi, linked_on=datetime.date(2024, 3, 1 + n % 4),
            kind=ResourceKind.CASH, description=f"慰问金{n}", value=str(100 + n), source_kind=SourceKind.DONOR,
            source_name="爱心人士"))
    return made


@pytest.mark.parametrize("query", [{}, {"page": "2"}, {"since": "2024-03-02", "until": "2024-03-03", "exact": "1"}])
def test_the_resource_links_page_reads_its_rows_by_id(links, web, bureau, monkeypatch, query):
    from services.views import ResourceLinkListView

    client = web(bureau)
    monkeypatch.setattr(ResourceLinkListView, "paginate_by", 4)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/services/resource-links/", query)
    by_id = [row.pk for row in response.context["object_list"]]
    totals = response.context.get("list_totals")
    captured = [q["sql"] for q in queries.captured_queries]
    monkeypatch.setattr(ResourceLinkListView, "rows_by_id", False)
    plain = client.get("/services/resource-links/", query)
    assert by_id and by_id == [row.pk for row in plain.context["object_list"]], query
    assert totals == plain.context.get("list_totals")
    page = [sql for sql in captured if sql.startswith('SELECT "services_resourcelink"."id"')
            and '"services_resourcelink"."id" IN (SELECT' in sql]
    assert len(page) == 1 and "LIMIT" in page[0].split("IN (SELECT", 1)[1], query
