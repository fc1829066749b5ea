"""The province viewer at a desk (issue 18): the dashboard by city with its chart, a city opens
that city's dashboard with its county table and chart, a county opens the county's dashboard,
and the breadcrumb leads back up. No console or CSP error on the way (the charts draw)."""

import datetime

import pytest

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})


@pytest.fixture
def second_city(db):
    from stations.choices import RegionLevel
    from stations.models import Region, Station

    henan = Region.objects.get(code="410000")
    anyang = Region.objects.create(code="410500", name="安阳市", level=RegionLevel.CITY, parent=henan)
    county = Region.objects.create(code="410523", name="汤阴县", level=RegionLevel.COUNTY, parent=anyang)
    town = Region.objects.create(code="410523100", name="宜沟镇", level=RegionLevel.TOWN, parent=county)
    Station.objects.create(name="宜沟镇社会工作服务站", short_name="宜沟站", town=town,
                           opened_on=datetime.date(2022, 3, 1))
    return anyang


def test_the_province_viewer_drills_province_city_county(login_page, live_server, second_city):
    page = login_page("province")
    page.goto(f"{live_server.url}/")
    assert page.locator("#city-table thead a").all_inner_texts() == ["安阳市", "鹤壁市"]
    page.wait_for_selector("#city-chart svg")
    assert page.locator("#county-table").count() == 0
    page.click("#city-table thead a:text('鹤壁市')")
    page.wait_for_load_state("networkidle")
    assert "鹤壁市" in page.locator("h1").inner_text()
    counties = page.locator("#county-table thead a").all_inner_texts()
    assert "浚县" in counties and "汤阴县" not in counties
    page.wait_for_selector("#county-chart svg")
    page.click("#county-table thead a:text('浚县')")
    page.wait_for_load_state("networkidle")
    assert "浚县" in page.locator("h1").inner_text()
    assert page.locator("#station-table tbody tr").count() == 11
    # The breadcrumb leads back up to the city.
    page.click("#dashboard-breadcrumb a:text('鹤壁市')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#county-table").count() == 1


def test_the_province_pages_pass_axe_and_fit_a_phone(login_page, live_server, second_city):
    from stations.models import Region

    hebi, xun = Region.objects.get(code="410600"), Region.objects.get(code="410621")
    found = []
    for viewport in (None, PHONE):
        page = login_page("province", viewport=viewport)
        for query in ("", f"?city={hebi.pk}", f"?county={xun.pk}"):
            page.goto(f"{live_server.url}/{query}")
            page.wait_for_load_state("networkidle")
            found += [f"{query}: {v}" for v in violations(page)]
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (query, viewport, overflow)
        page.context.close()
    assert found == []
