"""A social worker of 小河站 adds a village service point (村社工室), logs a visit naming it,
records a college volunteer's hours on a community activity from the activity page, and sees
all of it on her dashboard: the breakdown by service point and the volunteers card."""

import datetime
import random

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})


@pytest.fixture
def records(db):
    from clients import idnumbers
    from clients.choices import Category
    from clients.models import CategoryMembership, Client
    from services.models import Activity, Volunteer
    from stations.models import Station

    station = Station.objects.get(short_name="小河站")
    client = Client.objects.create(station=station, name="孙桂英", registered_on=datetime.date(2022, 3, 1),
                                   id_number=idnumbers.generate(random.Random(20), born=datetime.date(1950, 4, 9),
                                                                male=False))
    CategoryMembership.objects.create(client=client, category=Category.SUBSISTENCE_ALLOWANCE,
                                      start_on=datetime.date(2022, 3, 1))
    activity = Activity.objects.create(station=station, held_on=datetime.date.today(), title="重阳敬老志愿行",
                                       participant_count=30)
    volunteer = Volunteer.objects.create(station=station, name="李思雨", kind="college",
                                         organisation="鹤壁职业技术学院")
    return {"client": client, "activity": activity, "volunteer": volunteer}


def test_a_point_a_visit_naming_it_and_volunteer_hours_reach_the_dashboard(login_page, live_server, records):
    from services.models import Visit, VolunteerService
    from stations.models import ServicePoint

    page = login_page("xiaohe")
    # 1. a new village service point
    page.goto(f"{live_server.url}/service-points/add/")
    page.fill("#id_name", "白祥村社工室")
    page.select_option("#id_kind", "village")
    page.fill("#id_liaison_name", "白春花")
    page.fill("#id_liaison_phone", "13900002222")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    point = ServicePoint.objects.get(name="白祥村社工室")
    assert point.station.short_name == "小河站"
    assert f"/service-points/{point.pk}/" in page.url or "白祥村社工室" in page.content()

    # 2. a visit naming it
    page.goto(f"{live_server.url}/services/visits/add/")
    page.locator("input.client-search").fill("sungui")
    result = page.locator(f".client-result input[value='{records['client'].pk}']")
    result.wait_for(state="visible")
    result.check()
    page.select_option("#id_kind", "home_visit")
    page.select_option("#id_service_point", str(point.pk))
    page.fill("#id_findings", "在白祥村社工室见面,生活稳定。")
    page.click("#visit-outing-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    visit = Visit.objects.get(client=records["client"])
    assert visit.service_point == point

    # 3. a volunteer's hours, recorded from the activity's page
    page.goto(f"{live_server.url}/services/activities/{records['activity'].pk}/")
    page.click("text=登记志愿服务")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_volunteer", str(records["volunteer"].pk))
    page.fill("#id_hours", "3.5")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    service = VolunteerService.objects.get()
    assert service.activity == records["activity"] and service.hours == 3.5

    # 4. the dashboard: the point's row and the volunteers card
    page.goto(f"{live_server.url}/?fresh=1")
    row = page.locator(f"#point-table tr[data-point='{point.pk}']")
    row.wait_for(state="visible")
    cells = row.locator("td.text-end").all_inner_texts()
    assert cells[0].strip() == "1"  # one visit
    assert cells[1].strip() == "1"  # one visited client
    card = page.locator("[data-key='volunteers']")
    assert "1" in card.inner_text() and "3.5" in card.inner_text()
    page.screenshot(path="/tmp/service-point-dashboard.png", full_page=True)
    row.locator("td.text-end a").first.click()  # its visits
    page.wait_for_load_state("networkidle")
    assert "孙桂英" in page.content()
