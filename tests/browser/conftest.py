"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the
live test server. Never downloads a browser; skipped only where Chromium is not installed.

Every context a test opens through ``login_page`` or ``new_context`` is watched: a console
error, an uncaught script error or a Content-Security-Policy violation on any page fails the
test (issue 22). A test that provokes an error on purpose (a 404 it asks for) says so with
``expect_console(page_or_context, "pattern")``."""

import os
import re
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed")

# Runs before any script of every page: a CSP violation becomes a console error even where the
# browser would only count it (a blocked inline style attribute set by a script, for one).
WATCH = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                ' at ' + (e.sourceFile || location.href) + ':' + e.lineNumber);
});
"""


def watch(context):
    """Record ``context``'s console errors, page errors and CSP violations in ``context._problems``."""
    context._problems = []
    context._expected = []
    context.add_init_script(WATCH)

    def on_console(message):
        if message.type in ("error", "assert"):
            context._problems.append(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

    def on_page(page):
        page.on("pageerror", lambda error: context._problems.append(f"uncaught: {error}"))

    context.on("console", on_console)
    context.on("page", on_page)
    return context


def expect_console(target, pattern):
    """Allow console errors matching ``pattern`` (a regex) in this page's or context's problems."""
    context = getattr(target, "context", target)
    context._expected.append(re.compile(pattern))


def problems(context):
    return [p for p in getattr(context, "_problems", []) if not any(e.search(p) for e in context._expected)]


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
def new_context(browser):
    """``new_context(viewport=…)`` → a watched browser context, checked for errors at the end."""
    contexts = []

    def open_context(viewport=None, **kwargs):
        context = watch(browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN", **kwargs))
        contexts.append(context)
        return context

    yield open_context
    found = [p for context in contexts for p in problems(context)]
    for context in contexts:
        context.close()
    assert found == [], "the pages logged console or CSP errors"


@pytest.fixture
def login_page(new_context, live_server):
    """``login_page(username, viewport=PHONE)`` → a Playwright page logged in through the real form
    (``base``: another name of the live server, e.g. http://localhost for a secure context)."""

    def open_as(username, password="Xunxian@2023", viewport=None, base=None, **options):
        page = new_context(viewport=viewport, **options).new_page()
        page.goto(f"{base or live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button.btn-primary")
        page.wait_for_load_state("networkidle")
        return page

    return open_as
