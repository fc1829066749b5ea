"""The worklist's summaries (by station, by responsible worker): one count grouped by station and
worker over the client table alone, the names read afterwards (two counts grouped by the joined
names sorted a county's 19,400 clients by text twice, 36 ms at city scale; docs/scaling.md,
"The registry's lists at city scale"). Same rows, same order, same totals as the joined counts."""

import datetime

from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients import services
from clients.models import Client
from clients.views import DUE_SOON_DAYS
from stations.models import Staff


def _joined_summaries(user):
    """The summaries as the page counted them before: grouped by the joined names."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    scoped = Client.objects.visible_to(user).active()
    counts = dict(overdue=Count("pk", filter=Q(next_visit_due__lt=today)),
                  due_soon=Count("pk", filter=Q(next_visit_due__gte=today, next_visit_due__lte=soon)),
                  total=Count("pk"))
    by_station = (scoped.values("station_id", "station__short_name").annotate(**counts)
                  .order_by("station__town__code"))
    by_worker = (scoped.filter(worker__isnull=False).values("worker_id", "worker__name", "station__short_name")
                 .annotate(**counts).order_by("station__town__code", "worker__name"))
    return list(by_station), list(by_worker)


def test_the_summaries_count_as_the_joined_counts_did(db, web, bureau, register, station_xiaohe, station_baisi):
    today = timezone.localdate()
    workers = {station: list(Staff.objects.workers().filter(station=station).order_by("pk"))
               for station in (station_xiaohe, station_baisi)}
    assert all(workers.values())
    for n, (station, days) in enumerate([(station_xiaohe, 100), (station_xiaohe, 85), (station_xiaohe, 0),
                                         (station_baisi, 100), (station_baisi, 120), (station_baisi, 3)]):
        person = register(station, f"测试{n}", worker=workers[station][n % len(workers[station])] if n % 3 else None)
        services.client_monitoring_update(client=person, last_contact_on=today - datetime.timedelta(days=days))
    closed = register(station_baisi, "已结案")
    Client.objects.filter(pk=closed.pk).update(status="closed")

    client = web(bureau)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/clients/worklist/")
    by_station, by_worker = _joined_summaries(bureau)
    assert [dict(row) for row in page.context["by_station"]] == by_station
    assert [dict(row) for row in page.context["by_worker"]] == by_worker
    assert len(by_station) == 2 and by_worker
    # written by the core's table renderer, each count a link to its people
    html = page.content.decode()
    for row in by_station:
        assert f'<a href="?station={row["station_id"]}&amp;overdue=soon">{row["due_soon"]}</a>' in html
    for row in by_worker:
        assert f'<a href="?worker={row["worker_id"]}">{row["worker__name"]}</a>' in html
        assert f'href="?worker={row["worker_id"]}&amp;overdue=yes"' in html
    # the counts read the client table alone, grouped by ids (no join, no text to sort)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]
               and 'FROM "clients_client"' in q["sql"]]
    assert len(grouped) == 1, grouped
    assert "JOIN" not in grouped[0] and "ORDER BY" not in grouped[0], grouped[0]
