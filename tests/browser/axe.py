"""axe-core (npm package ``axe-core``, from node_modules) run in a page the test has open.

The script is evaluated through the DevTools protocol, not added as a <script> element: the
portal's Content-Security-Policy forbids inline scripts, and the check must not weaken it."""

from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")


def violations(page, impacts=FAILING):
    """axe's violations on ``page`` as it is now, of the given impacts, one line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            found.append(f"{violation['impact']} {violation['id']}: {node['target']} — {summary[:300]}")
    return found
