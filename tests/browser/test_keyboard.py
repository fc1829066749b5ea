"""Keyboard only (issue 22): a social worker logs in and records a visit without touching the
mouse — Tab, typing, Space and Enter, from the login page to the saved visit. Every control on
the way is reached by Tab, in order, and the skip link takes the worker past the menu."""

import datetime
import random

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = "document.activeElement"


@pytest.fixture
def client_of_xiaohe(django_db_blocker):
    from clients import idnumbers
    from clients.models import Client
    from stations import demo
    from stations.models import Station

    demo.seed({})  # live-server tests run in a flushed database
    return Client.objects.create(station=Station.objects.get(short_name="小河站"), name="孙桂英",
                                 registered_on=datetime.date(2022, 3, 1),
                                 id_number=idnumbers.generate(random.Random(22), born=datetime.date(1950, 1, 2), male=False))


def tab_to(page, test, limit=40):
    """Press Tab until ``test`` (JS over ``el``) holds for the focused element; the presses taken."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => !!el && ({test}))({FOCUSED})"):
            return presses
    raise AssertionError(f"{limit} Tab presses never reached {test}")


def test_a_visit_logged_from_the_login_page_without_a_mouse(new_context, live_server, client_of_xiaohe):
    from services.models import Visit

    page = new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("xiaohe")
    tab_to(page, "el.id === 'id_password'", limit=1)
    page.keyboard.type("Xunxian@2023")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The first Tab of a page is the skip link; past the menu, the menu's own entry is found.
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()  # shown when focused
    tab_to(page, "el.getAttribute('href') === '/services/visits/add/'", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The visit form: skip link, then the first field is one Tab away.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    presses = tab_to(page, "el.classList.contains('client-search')", limit=5)
    assert presses == 1
    page.keyboard.type("sungu")
    page.locator(f".client-result input[value='{client_of_xiaohe.pk}']").wait_for(state="visible")
    tab_to(page, f"el.value === '{client_of_xiaohe.pk}' && el.type === 'checkbox'", limit=3)
    page.keyboard.press("Space")  # ticked: moved to the picked list, focus back in the search box
    page.locator(f".picked input[value='{client_of_xiaohe.pk}']:checked").wait_for(state="attached")
    assert page.evaluate(f"{FOCUSED}.classList.contains('client-search')")

    tab_to(page, "el.id === 'id_kind'", limit=10)
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_kind") != ""
    tab_to(page, "el.id === 'id_findings'", limit=30)
    page.keyboard.type("入户了解近况，生活稳定。")
    tab_to(page, "el.type === 'submit' && el.closest('#visit-outing-form')", limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    visit = Visit.objects.get(client=client_of_xiaohe)
    assert visit.findings == "入户了解近况，生活稳定。"
    assert visit.visited_on == timezone.localdate()
    assert f"/services/visits/{visit.pk}/" in page.url  # one client: the visit's own page
