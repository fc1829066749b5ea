"""Every create, edit and action a role can do on a page has an API twin (SPEC §4, issue #14).

The web's write operations are read from the URL resolver — every URL whose view accepts POST
(and each action of an ``action_switch`` URL) — never from a hand-written list, so a new page
with a form fails here until its API operation exists. A create or edit page
(``ObjectEditView``) is twinned by itself with the API resource of the same model (POST on the
list, PATCH on the record: the same ``add``/``change`` permission by ``RolePermission``); every
other write names its API operation in ``TWINS``. ``EXCEPTIONS`` lists, with the reason, the
few writes that are about the browser session itself and have no meaning for an integrator.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from portal.views import ObjectEditView

# web operation (URL name, or "URL name:action" of an action_switch URL) -> (API URL name, method)
TWINS = {
    # organisation
    "stations:staff_deactivate": ("staff-deactivate", "post"),
    "stations:servicepoint_deactivate": ("servicepoint-deactivate", "post"),
    # clients
    "clients:client_close": ("client-close", "post"),
    "clients:client_reveal": ("client-reveal", "post"),
    "clients:category_add": ("client-categories", "post"),
    "clients:category_end": ("client-category-end", "post"),
    "clients:assessment_add": ("client-assessments", "post"),
    "clients:household_member_add": ("household-members", "post"),
    "clients:screening_record": ("screeningcampaign-records", "post"),
    # services
    "services:case_action:transition": ("case-transition", "post"),
    "services:case_action:note": ("case-notes", "post"),
    "services:case_action:goal": ("casegoal-list", "post"),
    "services:case_action:task": ("casetask-list", "post"),
    "services:case_action:submit_plan": ("case-submit-plan", "post"),
    "services:case_action:approve_plan": ("case-decide-plan", "post"),  # {"approve": true}
    "services:case_action:return_plan": ("case-decide-plan", "post"),  # {"approve": false, "comment": …}
    "services:case_action:close": ("case-close", "post"),
    "services:case_action:approve_closure": ("case-decide-closure", "post"),
    "services:case_action:return_closure": ("case-decide-closure", "post"),
    "services:case_action:transfer": ("case-transfer", "post"),
    "services:groupsession_add": ("group-sessions", "post"),
    "services:volunteer_deactivate": ("volunteer-deactivate", "post"),
    "services:dispatch_action:accept": ("dispatch-accept", "post"),
    "services:dispatch_action:report": ("dispatch-report-back", "post"),
    "services:dispatch_action:close": ("dispatch-close", "post"),
    "services:monthlyreport_submit": ("monthlyreport-submit", "post"),
    "services:monthlyreport_action:pass": ("monthlyreport-review", "post"),  # {"passed": true}
    "services:monthlyreport_action:return": ("monthlyreport-review", "post"),  # {"passed": false}
    "services:monthlyreport_action:approve": ("monthlyreport-approve", "post"),
    "services:monthlyreport_action:reopen": ("monthlyreport-reopen", "post"),
    # notifications, the journal
    "accounts:notification_read_all": ("notification-read-all", "post"),
    "journal:issue_action:publish": ("journal-issue-publish", "post"),
    "journal:issue_action:correct": ("journal-issue-correct", "post"),
    # training
    "training:evaluationitem_add": ("evaluationscheme-items", "post"),
    "training:evaluationitem_edit": ("evaluationscheme-item", "patch"),
    "training:ratingband_add": ("evaluationscheme-ratings", "post"),
    "training:ratingband_edit": ("evaluationscheme-rating", "patch"),
    "training:policy_compute": ("incentivepolicy-compute", "post"),
    "training:competition_score": ("competition-score", "post"),
    "training:competition_rank": ("competition-rank", "post"),
    "training:entitlement_pay": ("entitlement-pay", "post"),
    # funding: a contract's children are written through the contract
    "funding:contractfunding_add": ("contract-allocate", "post"),
    "funding:contracttarget_add": ("contract-targets", "post"),
    "funding:paymentinstalment_add": ("contract-instalments", "post"),
    "funding:paymentinstalment_pay": ("contract-pay", "post"),
    # partners and 公益创投 (issue 20)
    "partners:partner_deactivate": ("partner-deactivate", "post"),
    "funding:venturecall_action:open": ("venturecall-open", "post"),
    "funding:venturecall_action:close": ("venturecall-close", "post"),
    "funding:venturecall_action:announce": ("venturecall-announce", "post"),
    "funding:ventureapplication_action:review": ("ventureapplication-reviews", "post"),
    "funding:ventureapplication_action:award": ("ventureapplication-award", "post"),
    "funding:ventureapplication_action:reject": ("ventureapplication-reject", "post"),
    "funding:ventureproject_action:milestone": ("ventureproject-milestones", "post"),
    "funding:ventureproject_action:payment": ("ventureproject-payments", "post"),
    "funding:ventureproject_action:report": ("ventureproject-report", "post"),
    "funding:ventureproject_action:evaluate": ("ventureproject-evaluate", "post"),
    "funding:venturemilestone_done": ("ventureproject-milestone-done", "post"),
    "funding:venturepayment_pay": ("ventureproject-pay", "post"),
}

# web operations with no API twin, and why
EXCEPTIONS = {
    "login": "the browser's login form; the API authenticates with a token (/api/v1/auth/token/) or the session",
    "logout": "ends the browser session; a token is revoked by its owner in the admin, not by a client",
    "password_change": "a person changes their own password interactively; no integrator sets passwords",
    "otp_verify": "the second factor is typed by the person at the browser; token auth refuses accounts that owe one",
    "otp_setup": "2FA enrolment shows a QR code to scan with a phone: a person's own step, not an integration",
    "set_language": "the browser's language cookie; an API client sends Accept-Language",
    "clients:roster_import": "the spreadsheet upload wizard for a person at a desk; an integrator registers each "
                             "person with POST /clients/ (new_categories included), under the same service rules",
    "clients:roster_commit": "the second step of the same wizard (confirming the previewed file)",
    "clients:roster_job": "runs again a failed background job of the same upload wizard",
    "reports:export_retry": "runs again a failed background .xlsx export of a person at a desk (see export_list)",
    "services:activityphoto_consent": "publication consent of a photo, given on the activity page beside the "
                                      "photo itself; photos are uploaded by the browser's activity form only",
    "reports:export_list": "queues a background .xlsx for a person to download; an integrator pages through the "
                           "same rows with the list endpoints (keyset pagination) and their filters",
}


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


def web_writes():
    """{operation: view class} of every web URL that accepts POST (the API and the admin aside)."""
    writes = {}
    for name, pattern in _patterns(get_resolver().url_patterns):
        route = str(pattern.pattern)
        callback = pattern.callback
        if name.startswith("admin:") or route.startswith("api/") or name in {"schema", "api_docs", "api_token"}:
            continue
        has_pk = "pk" in pattern.pattern.converters
        if hasattr(callback, "action_views"):
            for what, view in callback.action_views.items():
                writes[f"{name}:{what}"] = (view, has_pk)
            continue
        view = getattr(callback, "view_class", None)
        if view is not None and hasattr(view, "post"):
            writes[name] = (view, has_pk)
        elif view is None and name == "set_language":
            writes[name] = (callback, False)
    return writes


def api_operations():
    """{model: {"create", "update"}} for every router viewset."""
    from config.urls import router

    by_model = {}
    for _prefix, viewset, _basename in router.registry:
        methods = set(viewset.http_method_names)
        model = viewset.queryset.model
        ops = by_model.setdefault(model, set())
        if hasattr(viewset, "create") and "post" in methods:
            ops.add("create")
        if hasattr(viewset, "partial_update") and "patch" in methods:
            ops.add("update")
    return by_model


def _edit_twin(view, by_model, has_pk):
    """A create page (no ``pk`` in its URL) is twinned by POST on the model's API resource, an
    edit page by PATCH on its record."""
    model = view().get_model()
    return ("update" if has_pk else "create") in by_model.get(model, set())


def _api_accepts(api_name, method):
    """The API route exists and its view answers ``method``."""
    from config.urls import router

    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            if route.name.format(basename=basename) == api_name and method in route.mapping:
                return True
    return False


def test_every_web_write_has_an_api_twin():
    writes = web_writes()
    assert len(writes) > 60  # the resolver walk found the pages (not an empty pass)
    by_model = api_operations()
    missing = []
    for name, (view, has_pk) in sorted(writes.items()):
        if name in EXCEPTIONS:
            continue
        if name in TWINS:
            api_name, method = TWINS[name]
            if not _api_accepts(api_name, method):
                missing.append(f"{name} -> {api_name} {method.upper()} (not found)")
            continue
        if isinstance(view, type) and issubclass(view, ObjectEditView) and _edit_twin(view, by_model, has_pk):
            continue
        missing.append(f"{name} ({getattr(view, '__name__', view)})")
    assert not missing, "web writes without an API twin:\n" + "\n".join(missing)


def test_the_lists_name_only_real_web_writes():
    """A twin or exception of a page that no longer exists is a stale entry."""
    writes = web_writes()
    stale = sorted((set(TWINS) | set(EXCEPTIONS)) - set(writes))
    assert not stale, stale


@pytest.mark.parametrize("name", sorted(TWINS))
def test_a_twin_is_a_real_api_route(name):
    api_name, method = TWINS[name]
    assert _api_accepts(api_name, method), f"{name}: {api_name} does not answer {method.upper()}"


def test_an_api_route_name_reverses():
    """The twins are addressed as the router names them (``<basename>-<action>``)."""
    url = reverse("case-notes", args=[1])
    assert url == "/api/v1/cases/1/notes/"
    actions = resolve(url).func.actions  # (DRF adds "head" beside "get" once the view has run)
    assert actions["get"] == actions["post"] == "notes"
