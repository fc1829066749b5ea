"""Issue 16, "Done when": on a 375-px phone, 小河站's social worker logs in and lands on "my
day", sees the follow-up an earlier visit promised for today, taps "log a visit" (the form
pre-filled), saves with a resource linked inline, and the follow-up leaves the list; the
client's page shows the visit and the resource."""

import datetime
import random

import pytest
from django.utils import timezone

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})


@pytest.fixture
def promised_today(db):
    from django.contrib.auth import get_user_model

    from clients import idnumbers
    from clients.choices import Category
    from clients.models import CategoryMembership, Client
    from services import services
    from stations.models import Station

    station = Station.objects.get(short_name="小河站")
    client = Client.objects.create(station=station, name="孙桂英", registered_on=datetime.date(2022, 3, 1),
                                   id_number=idnumbers.generate(random.Random(16), born=datetime.date(1948, 2, 3),
                                                                male=False))
    CategoryMembership.objects.create(client=client, category=Category.EXTREME_POVERTY,
                                      start_on=datetime.date(2022, 3, 1))
    today = timezone.localdate()
    services.visit_record(client=client, visited_on=today - datetime.timedelta(days=14), kind="home_visit",
                          user=get_user_model().objects.get(username="xiaohe"), findings="腿脚不便,需再次探访",
                          follow_up_on=today)
    return client


def test_a_promised_follow_up_is_answered_from_my_day_on_a_phone(login_page, live_server, promised_today):
    from services.models import FollowUp, ResourceLink, Visit

    client = promised_today
    page = login_page("xiaohe", viewport=PHONE)
    assert page.url.rstrip("/").endswith("/services/my-day")  # landed on "my day"
    due_today = page.locator(".follow-ups-today .follow-up")
    assert due_today.count() == 1 and "孙桂英" in due_today.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    due_today.first.locator("a.log-visit").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f".picked input[value='{client.pk}']").is_checked()  # pre-filled: the client,
    assert page.input_value("#id_visited_on") == timezone.localdate().isoformat()  # the date
    assert page.input_value("#id_kind") == "home_visit"  # and the kind
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_findings", "复访:已能扶杖行走。")
    page.select_option("#id_resources-0-kind", "goods")
    page.fill("#id_resources-0-description", "助行器一台")
    page.fill("#id_resources-0-value", "260")
    page.select_option("#id_resources-0-source_kind", "charity_fund")
    page.fill("#id_resources-0-source_name", "县慈善总会")
    page.click("#visit-outing-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    visit = Visit.objects.filter(client=client).order_by("-id").first()
    assert visit.visited_on == timezone.localdate() and "/services/visits/" in page.url
    link = ResourceLink.objects.get()
    assert (link.visit_id, link.client_id) == (visit.pk, client.pk)
    assert not FollowUp.objects.open().exists()

    page.goto(f"{live_server.url}/services/my-day/")
    assert page.locator(".follow-ups-today .follow-up").count() == 0  # the follow-up left the list

    page.goto(f"{live_server.url}{client.get_absolute_url()}")
    timeline = page.locator(".timeline").inner_text()
    assert "复访:已能扶杖行走。" in timeline and "助行器一台" in timeline
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
