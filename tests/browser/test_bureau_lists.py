"""A county bureau user at a desk: on the visit list the worker dropdown waits for a station
(a city's 1,000 workers are never listed at once), then filters that station's visits; on a
city install's dashboard (figures kept 30 s) the page says when it was counted and
"recount now" shows a visit saved since."""

import datetime
import random

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})


@pytest.fixture
def visits(db):
    from clients import idnumbers
    from clients.models import Client
    from services import services
    from services.choices import VisitKind
    from stations.models import Staff, Station

    rng = random.Random(9)
    made = {}
    for short_name, name in (("小河站", "孙桂英"), ("白寺站", "李秀兰")):
        station = Station.objects.get(short_name=short_name)
        worker = Staff.objects.workers().filter(station=station).order_by("pk").first()
        client = Client.objects.create(station=station, name=name, registered_on=datetime.date(2024, 1, 2),
                                       id_number=idnumbers.generate(rng, born=datetime.date(1950, 1, 1), male=False))
        services.visit_record(client=client, visited_on=datetime.date(2024, 3, 4), kind=VisitKind.HOME_VISIT,
                              workers=[worker])
        made[short_name] = (station, worker, name)
    return made


def test_the_worker_filter_follows_the_station(login_page, live_server, visits):
    station, worker, name = visits["小河站"]
    page = login_page("bureau")
    page.goto(f"{live_server.url}/services/visits/")
    assert page.locator("select[name=worker] option").all_inner_texts() == ["请先选择站点"]
    page.select_option("select[name=station]", str(station.pk))
    page.click("form.filter-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    options = page.locator("select[name=worker] option").all_inner_texts()
    assert worker.name in options and len(options) > 1
    page.select_option("select[name=worker]", str(worker.pk))
    page.click("form.filter-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    table = page.locator("table tbody").inner_text()
    assert name in table and "李秀兰" not in table


def test_a_kept_dashboard_says_when_and_recounts(login_page, live_server, visits, settings):
    from django.core.cache import cache

    from clients.models import Client
    from services import services
    from services.choices import VisitKind

    settings.DASHBOARD_CACHE_SECONDS = 30
    cache.clear()
    page = login_page("bureau")
    page.goto(f"{live_server.url}/?year=2024")
    card = page.locator('[data-key="visits"] .figure-value')
    assert card.inner_text().strip() == "2"
    assert "数据截至" in page.locator("#figures-as-of").inner_text()
    station, worker, _name = visits["小河站"]
    services.visit_record(client=Client.objects.filter(station=station).first(), visited_on=datetime.date(2024, 5, 6),
                          kind=VisitKind.PHONE_CALL, workers=[worker])
    page.reload()
    assert card.inner_text().strip() == "2"  # the kept body
    page.click("#figures-as-of a")
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-key="visits"] .figure-value').inner_text().strip() == "3"
    cache.clear()
