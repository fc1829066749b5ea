"""A social worker of 小河站, on a 375-px phone, logs five visits of one outing with a
single form submit: five Visit rows, and each client's monitoring moves on."""

import datetime
import random

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [("孙桂英", "sunguiying"), ("孙建华", "sunjianhua"), ("孙海燕", "sunhaiyan"), ("李秀兰", "lixiulan"),
          ("周明", "zhouming")]


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})


@pytest.fixture
def village(db):
    from clients import idnumbers
    from clients.choices import Category
    from clients.models import CategoryMembership, Client
    from stations.models import Station

    station = Station.objects.get(short_name="小河站")
    rng = random.Random(5)
    people = []
    for name, _pinyin in PEOPLE:
        client = Client.objects.create(station=station, name=name, registered_on=datetime.date(2022, 3, 1),
                                       id_number=idnumbers.generate(rng, born=datetime.date(1958, 4, 9), male=True))
        CategoryMembership.objects.create(client=client, category=Category.SUBSISTENCE_ALLOWANCE,
                                          start_on=datetime.date(2022, 3, 1))
        people.append(client)
    return people


def test_five_visits_of_one_outing_in_one_submit(login_page, live_server, village):
    from clients.models import Client
    from services.models import Visit

    page = login_page("xiaohe", viewport=PHONE)
    page.goto(f"{live_server.url}/services/visits/add/")
    search = page.locator("input.client-search")
    for (name, pinyin), client in zip(PEOPLE, village, strict=True):
        search.fill(pinyin[:5] if name != "周明" else "zm")  # pinyin prefix, or initials
        result = page.locator(f".client-result input[value='{client.pk}']")
        result.wait_for(state="visible")
        result.check()
        page.locator(f".picked input[value='{client.pk}']").wait_for(state="attached")
    assert page.locator(".picked input:checked").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    page.select_option("#id_kind", "home_visit")
    page.fill("#id_findings", "入户了解近况,生活稳定。")
    page.select_option("#id_risk_level", "medium")
    requests = []
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else None)
    page.click("#visit-outing-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert len(requests) == 1  # one submit
    assert "/services/my-day/" in page.url

    today = datetime.date.today()
    visits = Visit.objects.filter(client__in=village)
    assert visits.count() == 5
    assert {v.visited_on for v in visits} == {today} and len({v.outing for v in visits}) == 1
    client = Client.objects.get(pk=village[0].pk)
    assert client.last_visit_on == today
    assert client.risk_level == "medium"
    assert client.next_visit_due == today + datetime.timedelta(days=90)  # 低保: quarterly
    page.screenshot(path="/tmp/services-visit-outing-375.png", full_page=True)
