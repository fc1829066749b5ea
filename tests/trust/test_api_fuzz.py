"""Bad input, everywhere (issue 8): schemathesis generates requests from /api/schema/ — valid,
borderline and malformed — for every API operation, sent as the county's bureau
administrator; no answer may be a server error (5xx). Bounded: a few examples per operation,
so the whole run stays well under three minutes."""


import pytest
from hypothesis import HealthCheck, Phase, settings

from .api_schema import in_process_schema

EXAMPLES_PER_OPERATION = 3


schema = in_process_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI application directly, whose request signals would run
    close_old_connections inside the test's transaction and close it (PostgreSQL). Django's
    own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bureau_admin_token(bureau_admin):
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=bureau_admin)[0].key


def test_schema_lists_every_documented_resource():
    paths = set(schema.raw_schema["paths"])
    for prefix in ["stations", "organisations", "staff"]:
        assert f"/api/v1/{prefix}/" in paths


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI fails on a real bug, not on luck
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case, bureau_admin_token):
    response = case.call(headers={"Authorization": f"Token {bureau_admin_token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}\n"
        f"query={case.query!r} body={case.body!r}\n{response.text[:2000]}"
    )
