"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the
live test server. Never downloads a browser; skipped only where Chromium is not installed."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 812}

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login_page(browser, live_server):
    """``login_page(username, viewport=PHONE)`` → a Playwright page logged in through the real form
    (``base``: another name of the live server, e.g. http://localhost for a secure context)."""
    contexts = []

    def open_as(username, password="Xunxian@2023", viewport=None, base=None, **options):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{base or live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button.btn-primary")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()
