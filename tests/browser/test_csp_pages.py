"""Every kind of page works under the Content-Security-Policy (no 'unsafe-inline'): headless
Chromium opens them with the policy on and reports no violation (issue 8 §5)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# Collects violations from the first byte of every page (init scripts run outside the CSP).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @ ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})  # live-server tests run in a flushed database


def _visit(page, url, problems):
    page.goto(url, wait_until="load")
    found = page.evaluate("window.__csp || []") + page.__dict__.pop("_csp_console", [])
    problems.extend(f"{url}: {item}" for item in found)
    return page


def _watched(page):
    page.set_default_timeout(120000)
    page.context.add_init_script(WATCH)
    page.__dict__["_csp_console"] = []
    page.on("console", lambda m: page.__dict__.setdefault("_csp_console", []).append(m.text)
            if "Content Security Policy" in m.text else None)
    return page


@pytest.mark.parametrize("username, paths", [
    ("admin", ["/", "/stations/", "/stations/{station}/", "/staff/", "/api/docs/", "/admin/",
               "/admin/stations/station/", "/accounts/2fa/setup/", "/clients/", "/services/visits/", "/reports/dashboard/"]),
    ("auditor", ["/access-log/"]),
    ("xiaohe", ["/", "/clients/worklist/"]),
])
def test_pages_raise_no_csp_violation(login_page, live_server, username, paths):
    from stations.models import Station

    station = Station.objects.get(short_name="小河站")
    page = _watched(login_page(username))
    problems = []
    for path in paths:
        _visit(page, live_server.url + path.format(station=station.pk), problems)
        if path == "/api/docs/":
            page.wait_for_selector(".swagger-ui .opblock", timeout=120000)  # swagger-ui really ran
            problems.extend(f"{path}: {m}" for m in page.evaluate("window.__csp || []"))
        if path == "/stations/{station}/":
            page.click(".record-history button[data-bs-toggle=collapse]")  # Bootstrap's JS works
            page.wait_for_selector(".record-history .collapse.show")
    assert problems == []


def test_the_login_page_raises_no_csp_violation(browser, live_server):
    context = browser.new_context()
    page = _watched(context.new_page())
    problems = []
    _visit(page, f"{live_server.url}/accounts/login/", problems)
    assert page.locator("#id_username").is_visible()
    policy = page.evaluate("fetch('/accounts/login/').then(r => r.headers.get('content-security-policy'))")
    assert "'unsafe-inline'" not in policy
    page.screenshot(path="/tmp/trust-login-csp.png")
    context.close()
    assert problems == []
