"""Issue 17, in Chromium at 375 px: a worker of 小河站 with no signal logs visits and an
activity on the phone, and they reach the portal once, later.

The service worker needs a secure context: the live server is opened as http://localhost."""

import datetime
import random

import pytest

from .conftest import PHONE, expect_console

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["孙桂英", "孙建华", "李秀兰"]


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
    rng = random.Random(17)
    today = datetime.date.today()
    people = []
    for index, name in enumerate(PEOPLE):
        client = Client.objects.create(
            station=station, name=name, village="小河村", registered_on=datetime.date(2022, 3, 1),
            phone=f"1380000{index:04d}", next_visit_due=today - datetime.timedelta(days=10 + index),
            id_number=idnumbers.generate(rng, born=datetime.date(1958, 4, 9), male=True))
        CategoryMembership.objects.create(client=client, category=Category.SUBSISTENCE_ALLOWANCE,
                                          start_on=datetime.date(2022, 3, 1))
        people.append(client)
    return people


# Content-Security-Policy violations, collected from the first byte of every page.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _local(live_server):
    return live_server.url.replace("127.0.0.1", "localhost")


def _open_app(login_page, live_server):
    """xiaohe opens the app online: the worker installs, the roster comes down."""
    base = _local(live_server)
    page = login_page("xiaohe", viewport=PHONE, base=base, timezone_id="Asia/Shanghai")  # the county's day
    page.context.add_init_script(WATCH)
    # With the network cut, the navbar bell's htmx request and the refused sync of a record fail
    # on purpose: the browser logs those; any other console or CSP error still fails the test.
    expect_console(page, r"net::ERR_(INTERNET_DISCONNECTED|FAILED)|htmx:(afterRequest|sendError|responseError)|"
                         r"status of (400|409|0) .*?/api/v1/(visits|activities|resource-links)/")
    page.set_default_timeout(90000)  # two cores shared by many: installing the worker can take a while
    page.goto(f"{base}/services/offline/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")  # installed and active
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()  # a page opened while the worker was installing: the next load is controlled
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("async () => !!(await caches.match('/services/offline/', {ignoreVary: true}))")
    page.wait_for_function("() => document.getElementById('offline-refreshed').textContent.includes('最后刷新')")
    return base, page


def _pick(page, name):
    page.fill("#visit-client-search", name[:2])
    page.locator(".client-result", has_text=name).click()
    page.locator(".picked-client", has_text=name).wait_for()


def _pending(page):
    return page.locator("#offline-pending").inner_text()


def test_visits_and_an_activity_logged_offline_sync_once(login_page, live_server, village):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from services.models import Activity, ResourceLink, Visit

    base, page = _open_app(login_page, live_server)
    context = page.context
    assert "孙桂英" in page.locator("#day-overdue").inner_text()

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#offline-app[data-ready='1']")
    assert page.evaluate("navigator.onLine") is False
    assert "离线" in page.locator("#offline-status").inner_text()
    assert "孙建华" in page.locator("#day-overdue").inner_text()  # my day, from the phone's store
    page.click("[data-section-link=clients]")
    clients = page.locator("#clients-list").inner_text()
    assert all(name in clients for name in PEOPLE) and "1380000" not in clients

    # two clients of one outing, then one client with a resource linked: three visits
    page.click("[data-section-link=visit]")
    _pick(page, "孙桂英")
    _pick(page, "孙建华")
    page.fill("#visit-findings", "入户了解近况,生活稳定。")
    page.select_option("#visit-risk_level", "medium")
    page.click("#offline-visit-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '2'")
    _pick(page, "李秀兰")
    page.fill("#visit-findings", "送米面油。")
    page.click("#visit-add-resource")
    row = page.locator(".resource-row")
    row.locator("[data-resource=kind]").select_option("goods")
    row.locator("[data-resource=value]").fill("120")
    row.locator("[data-resource=description]").fill("米面油")
    row.locator("[data-resource=source_kind]").select_option(index=0)
    row.locator("[data-resource=source_name]").fill("县慈善总会")
    page.click("#offline-visit-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '3'")

    page.click("[data-section-link=activity]")
    page.fill("#activity-title", "重阳节敬老活动")
    page.fill("#activity-participant_count", "23")
    page.click("#offline-activity-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '4'")
    assert "4 条待同步" in _pending(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("window.__csp") == []  # the page opened from the cache, under the same policy

    # opened with no network: the visit form opens from the store, any other page says it needs the network
    page.goto(f"{base}/services/visits/add/")
    page.wait_for_selector("#offline-app[data-ready='1'][data-section='visit']")
    assert "4 条待同步" in _pending(page)
    page.goto(f"{base}/services/cases/")
    assert "此页面需要网络" in page.locator("h1").inner_text()
    assert page.evaluate("window.__csp") == []
    page.goto(f"{base}/services/offline/#queue")
    page.wait_for_selector("#offline-app[data-ready='1']")
    assert Visit.objects.count() == 0 and Activity.objects.count() == 0

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '0'", )
    assert page.locator(".queue-item[data-status=synced]").count() == 4, page.locator("#queue-list").inner_text()
    page.screenshot(path="/tmp/services-offline-375.png", full_page=True)

    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="xiaohe"))
    visits = api.get("/api/v1/visits/").json()["results"]
    assert sorted(v["client_name"] for v in visits) == sorted(PEOPLE)  # each exactly once
    activities = api.get("/api/v1/activities/", {"q": "重阳节"}).json()["results"]
    assert [(a["title"], a["participant_count"]) for a in activities] == [("重阳节敬老活动", 23)]
    assert ResourceLink.objects.get().visit.client.name == "李秀兰"
    month = datetime.date.today().strftime("%Y-%m")
    figures = api.get("/api/v1/reports/monthly/", {"month": month}).json()
    assert figures["visits"] == 3 and figures["community_activities"] == 1
    assert figures["resources_linked_amount"] == "120.00"

    # a forced resend of the same queue (the phone never got the answers) creates nothing more
    page.evaluate("window.PortalOfflineApp.resendSynced()")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '0'"
                           " && !document.getElementById('offline-app').dataset.syncing")
    assert (Visit.objects.count(), Activity.objects.count(), ResourceLink.objects.count()) == (3, 1, 1)


def test_a_visit_refused_at_sync_shows_the_message_and_is_fixed_and_resent(login_page, live_server, village):
    from services.choices import MonthlyReportStatus
    from services.models import MonthlyReport, Visit

    base, page = _open_app(login_page, live_server)
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#offline-app[data-ready='1']")
    today = datetime.date.today()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    page.click("[data-section-link=visit]")
    page.click("#offline-visit-form button[type=submit]")  # nobody picked: said so, nothing queued
    assert page.locator("[data-error-for=client]").inner_text() == "请至少选择一名服务对象。"
    assert page.locator("#offline-pending").get_attribute("data-count") == "0"
    _pick(page, "孙桂英")
    page.fill("#visit-visited_on", last_month.isoformat())
    page.click("#offline-visit-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '1'")

    # meanwhile the bureau approves last month: it is locked
    MonthlyReport.objects.create(station=village[0].station, month=last_month, status=MonthlyReportStatus.APPROVED)
    page.context.set_offline(False)
    page.click("[data-section-link=queue]")
    refused = page.locator(".queue-item[data-status=refused]")
    refused.wait_for()
    message = refused.locator(".queue-message").inner_text()
    assert f"{last_month:%Y-%m}" in message and "锁定" in message  # the server's own words
    assert "1 条被退回" in page.locator("#offline-refused").inner_text()
    assert not Visit.objects.exists()

    refused.locator(".queue-fix").click()
    page.wait_for_selector("#offline-app[data-section='visit']")
    assert "锁定" in page.locator("[data-error-for=visited_on]").inner_text()
    assert page.locator(".picked-client", has_text="孙桂英").count() == 1
    page.fill("#visit-visited_on", today.isoformat())
    page.click("#offline-visit-form button[type=submit]")
    page.click("[data-section-link=queue]")
    page.locator(".queue-item[data-status=synced]").wait_for()
    assert page.locator(".queue-item").count() == 1
    assert list(Visit.objects.values_list("client__name", "visited_on")) == [("孙桂英", today)]


def test_logout_wipes_the_phones_store(login_page, live_server, village):
    base, page = _open_app(login_page, live_server)
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#offline-app[data-ready='1']")
    page.click("[data-section-link=activity]")
    page.fill("#activity-title", "读书会")
    page.fill("#activity-participant_count", "8")
    page.click("#offline-activity-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '1'")
    page.context.set_offline(False)
    page.wait_for_function("() => document.getElementById('offline-pending').dataset.count === '0'", )
    stored = page.evaluate("""async () => {
        const db = await new Dexie('portal-offline').open();
        const counts = [await db.table('roster').count(), await db.table('queue').count()];
        db.close();
        return counts;
    }""")
    assert stored == [3, 1]

    page.click("nav .dropdown-toggle")
    page.click("nav form[data-offline-wipe] button")
    page.wait_for_url("**/accounts/login/**")
    names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
    assert "portal-offline" not in names
    assert page.evaluate("async () => (await caches.keys()).filter(n => n.startsWith('portal-offline-'))") == []
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
