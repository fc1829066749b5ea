"""Chains of calls (issue 14, item 3, schemathesis' stateful mode): from the schema's operations
schemathesis infers the links between them (a list or a create answers ids, which the read, the
edit and the actions of that record take; 260+ links here) and runs random sequences of calls
along them — create a record, read it, edit it with the version it answered, act on it — as
each of the five roles, checking every answer with every check (no 5xx, and the status, headers
and body the schema documents). The single-call runs are ``test_api_fuzz_roles.py`` and
``test_api_fuzz_worker.py``. Writes are rolled back with the test's transaction."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from .api_schema import in_process_schema, role_token

ROLES = ["admin", "xiaohe", "center", "city", "auditor"]
SCENARIOS_PER_ROLE = 25
STEPS_PER_SCENARIO = 6

pytestmark = pytest.mark.fuzz

schema = in_process_schema()
schema.config.phases.stateful.enabled = True
# as in the single-call runs: a valid request may be refused with 400 for what JSON Schema cannot say
schema.config.checks.positive_data_acceptance.expected_statuses = [
    *schema.config.checks.positive_data_acceptance.expected_statuses, "400"]


_caller = {}


@schema.auth(refresh_interval=None)
class RoleToken:
    """The API token of the role under test, declared as the authentication (so ``ignored_auth``
    knows what to leave out when it checks that a call without it is refused)."""

    def get(self, case, context):
        return role_token(_caller["username"])

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


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
@pytest.mark.parametrize("username", ROLES)
def test_chains_of_calls_are_answered_as_documented(username):
    _caller["username"] = username
    run_state_machine_as_test(schema.as_state_machine(), settings=settings(
        max_examples=SCENARIOS_PER_ROLE,
        stateful_step_count=STEPS_PER_SCENARIO,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    ))
