"""No input gives a 500, whoever asks (issue 14, item 3): schemathesis generates requests from
/api/schema/ for every API operation — valid, borderline and malformed — sent as each role of
the demo county with its API token: the bureau administrator ``admin``, the guidance center
``center``, the city viewer ``city`` (figures only) and the ``auditor`` (小河站's social worker
``xiaohe`` runs the same in ``test_api_fuzz_worker.py``, with the reads of real records). Every
built-in check runs on each answer: no server error, and the status code, content type, headers
and body the schema documents (response schema conformance). 30 generated examples per
operation and role, derandomized; the stateful phase (chains of calls along the links
schemathesis infers: a create, then the read and the edit of what it created) runs in
``test_api_fuzz_stateful.py``. Writes are rolled back with each test's transaction.

Marked ``fuzz`` (``-m "not fuzz"`` leaves it out of a quick local run); CI runs it on PostgreSQL.
"""

import pytest
from hypothesis import HealthCheck, Phase, settings

from .api_schema import in_process_schema, role_token

EXAMPLES_PER_OPERATION = 30
ROLES = ["admin", "center", "city", "auditor"]

pytestmark = pytest.mark.fuzz

schema = in_process_schema()
# As in test_api_fuzz_worker.py: a schema-valid request may still be refused with 400 naming the
# field for what JSON Schema cannot say (an id outside the caller's scope, an ID number's check
# digit, a rule across fields); 403 (a role that may not do this) and 404 are in the defaults.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    *schema.config.checks.positive_data_acceptance.expected_statuses, "400"]

_caller = {}


@schema.auth(refresh_interval=None)
class RoleToken:
    """The API token of the role under test (read inside the test's transaction): declared as
    the request's authentication, so the ``ignored_auth`` check also tries the call without it
    and with a wrong one (both must be refused)."""

    def get(self, case, context):
        return role_token(_caller["username"])

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture(params=ROLES)
def caller(request, db):
    _caller["username"] = request.param
    yield request.param
    _caller.clear()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As in test_api_fuzz.py: the WSGI request signals must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI fails on a real bug, not on luck
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_role_is_answered_as_documented(case, caller):
    case.call_and_validate()
