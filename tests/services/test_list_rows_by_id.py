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


@pytest.fixture
def activities(station_xiaohe, station_baisi, xiaohe, baisi):
    from services.models import CampaignTag
    from stations.models import Staff

    spring, autumn = CampaignTag.objects.create(name="春节走访"), CampaignTag.objects.create(name="中秋慰问")
    made = []
    for n in range(7):
        station, user = (station_xiaohe, xiaohe) if n % 2 else (station_baisi, baisi)
        activity = services.activity_record(station=station, held_on=datetime.date(2024, 5, 1 + n % 3), title=f"活动{n}",
                                            kind="culture", participant_count=10 + n,
                                            workers=[Staff.objects.get(user=user)])
        activity.tags.set([spring, autumn][: n % 3])
        made.append(activity)
    return made


@pytest.mark.parametrize("query", [{}, {"page": "2"}, {"tag": "x"}])
def test_the_activities_page_reads_its_rows_by_id_with_their_tags(activities, web, bureau, monkeypatch, query):
    """Activities too (a city's 18,000 joined and sorted for every page): the same rows in the
    same order, each with its campaign tags in name order, as the plain read."""
    from services.models import CampaignTag
    from services.views import ActivityListView

    if query.get("tag"):
        query = {"tag": CampaignTag.objects.get(name="中秋慰问").pk}
    client = web(bureau)
    monkeypatch.setattr(ActivityListView, "paginate_by", 3)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/services/activities/", query)
    shown = [(row.pk, [tag.name for tag in row.tags_listed()]) for row in response.context["object_list"]]
    captured = [q["sql"] for q in queries.captured_queries]
    monkeypatch.setattr(ActivityListView, "rows_by_id", False)
    monkeypatch.setattr(ActivityListView, "prepare_rows", None)
    plain = client.get("/services/activities/", query)
    expected = [(row.pk, [tag.name for tag in row.tags.order_by("name")]) for row in plain.context["object_list"]]
    assert shown and shown == expected, query
    assert any(tags for _pk, tags in shown) or query.get("page")
    page = [sql for sql in captured if sql.startswith('SELECT "services_activity"."id"')
            and '"services_activity"."id" IN (SELECT' in sql]
    assert len(page) == 1, query
    assert response.content.decode().count("中秋慰问") >= 1 or query.get("page")
