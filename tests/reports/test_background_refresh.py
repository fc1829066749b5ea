"""A city install (docs/scaling.md): the rollup refreshed by the beat entry "figures-refresh" instead
of on read (FIGURES_REFRESH = "worker"), and the dashboard body kept per user for
DASHBOARD_CACHE_SECONDS. A saved visit shows once the refresher has run and the kept body has
expired (or the user asks for a recount); nothing is shown across users."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command

from reports import figures
from reports.models import StationPeriodFigures

from .test_dashboard import _figure
from .test_figures import LOW, make_client, make_visit

D = datetime.date


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_in_worker_mode_reads_leave_dirty_cells_to_the_refresher(db, settings, bureau, station_xiaohe):
    settings.FIGURES_REFRESH = "worker"
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    period = figures.year_period(2023)
    assert StationPeriodFigures.objects.filter(station=station_xiaohe, dirty=True).exists()
    assert figures.for_user(bureau, start=period.start, end=period.end)["visits"] == 0
    call_command("refresh_figures", dirty=True)
    assert not StationPeriodFigures.objects.filter(dirty=True).exists()
    assert figures.for_user(bureau, start=period.start, end=period.end)["visits"] == 1
    assert figures.reconcile() == []


def test_the_dashboard_body_is_kept_per_user_and_recounted_on_request(db, settings, web, bureau, center,
                                                                      station_xiaohe, count_queries):
    settings.DASHBOARD_CACHE_SECONDS = 60
    page = web(bureau)
    assert _figure(page.get("/", {"year": 2023}), "visits") == "0"
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    kept = page.get("/", {"year": 2023})
    assert _figure(kept, "visits") == "0"  # the kept body, until it expires
    assert "立即重新统计" in kept.content.decode()
    assert count_queries(lambda: page.get("/", {"year": 2023})) <= 4
    assert _figure(page.get("/", {"year": 2023, "fresh": 1}), "visits") == "1"
    assert _figure(web(center).get("/", {"year": 2023}), "visits") == "1"  # another user: its own body


def test_without_a_lifetime_the_dashboard_is_counted_on_every_read(db, web, bureau, station_xiaohe):
    page = web(bureau)
    assert _figure(page.get("/", {"year": 2023}), "visits") == "0"
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    response = page.get("/", {"year": 2023})
    assert _figure(response, "visits") == "1"
    assert "立即重新统计" not in response.content.decode() and "数据截至" in response.content.decode()


def test_a_user_moved_to_another_station_never_sees_the_kept_body_of_the_old_one(db, settings, web, xiaohe,
                                                                               station_baisi):
    from stations.models import Staff

    settings.DASHBOARD_CACHE_SECONDS = 60
    page = web(xiaohe)
    before = page.get("/", {"year": 2023}).content.decode()
    assert "小河" in before
    Staff.objects.filter(user=xiaohe).update(station=station_baisi)
    after = page.get("/", {"year": 2023})
    assert after.context["station"] == station_baisi  # counted afresh for the new scope


def test_a_stopped_refresher_does_not_freeze_the_figures(db, settings, bureau, station_xiaohe):
    import datetime as dt

    from django.utils import timezone

    settings.FIGURES_REFRESH = "worker"
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    period = figures.year_period(2023)
    assert figures.for_user(bureau, start=period.start, end=period.end)["visits"] == 0  # fresh marks: left alone
    StationPeriodFigures.objects.filter(dirty=True).update(marked_at=timezone.now() - dt.timedelta(minutes=3))
    assert figures.for_user(bureau, start=period.start, end=period.end)["visits"] == 1  # waited too long: recounted
    assert not StationPeriodFigures.objects.filter(station=station_xiaohe, kind="year", dirty=True).exists()
