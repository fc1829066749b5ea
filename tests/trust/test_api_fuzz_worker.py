"""The schema tells the truth (issue 21): schemathesis generates requests from /api/schema/ for
every API operation, sent as 小河站's social worker ``xiaohe`` with her API token, and runs every
built-in check on each answer — no server error, the status code, content type, headers and
body the schema documents (response schema conformance), valid data accepted, invalid data
refused, auth not ignored... 30 generated examples per operation, derandomized; the stateful
phase (chains of calls) is skipped to keep the run in minutes. Writes are rolled back with the
test's transaction, as in ``test_api_fuzz.py``.

Generated ids rarely name a record that exists, so the answers about real records are checked
by ``test_worker_reads_as_documented``: every list and every record of 小河站 (one of each kind,
an open client and an open case among them) read and validated against the schema."""

import datetime

import pytest
from hypothesis import HealthCheck, Phase, settings

from .api_schema import in_process_schema

EXAMPLES_PER_OPERATION = 30


schema = in_process_schema()
# Every check runs. One judgement: a schema-valid request may still be refused with 400 (naming
# the field) for what JSON Schema cannot say — an id that does not exist or is outside xiaohe's
# scope, an ID number's check digit, control characters in a text, a rule across fields — so
# "valid data accepted" also allows 400 (and the 5xx it lists are failed by not_a_server_error).
schema.config.checks.positive_data_acceptance.expected_statuses = [
    *schema.config.checks.positive_data_acceptance.expected_statuses, "400"]


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


@schema.auth(refresh_interval=None)
class XiaoheToken:
    """xiaohe's API token (read inside the test's transaction, not cached): declared as the
    request's authentication, so the ``ignored_auth`` check also tries the call without it and
    with a wrong one (both must be refused)."""

    def get(self, case, context):
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        return Token.objects.get_or_create(user=get_user_model().objects.get(username="xiaohe"))[0].key

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI fails on a real bug, not on luck
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_worker_answers_as_documented(case, xiaohe):
    case.call_and_validate()


@pytest.fixture
def xiaohe_records(station_xiaohe, xiaohe, center):
    """One record of each kind at 小河站, as its worker and the guidance center make them."""
    from clients.choices import Category
    from clients.models import CategoryMembership, Client
    from services import services
    from services.choices import ActivityKind, ResourceKind, SourceKind, VisitKind
    from stations.models import Staff

    staff = Staff.objects.get(user=xiaohe)
    day = datetime.date(2024, 3, 4)
    client = Client.objects.create(station=station_xiaohe, name="王秀英", id_number="410621196005170016",
                                   registered_on=datetime.date(2022, 1, 1), next_visit_due=day)
    CategoryMembership.objects.create(client=client, category=Category.SUBSISTENCE_ALLOWANCE,
                                      start_on=datetime.date(2022, 1, 1))
    visit = services.visit_record(client=client, visited_on=day, kind=VisitKind.HOME_VISIT, workers=[staff],
                                  user=xiaohe, findings="探访")
    services.case_open(station=station_xiaohe, title="个案", manager=staff, clients=[client], intake_on=day)
    group = services.group_create(station=station_xiaohe, theme="小组", members=[client], created_on=day)
    services.group_session_record(group=group, held_on=day, attendance_count=10, attendees=[client])
    services.activity_record(station=station_xiaohe, held_on=day, title="活动", kind=ActivityKind.FESTIVAL,
                             participant_count=40, participants=[client])
    services.resource_link_record(station=station_xiaohe, linked_on=day, kind=ResourceKind.GOODS,
                                  description="物资", value="300.00", source_kind=SourceKind.ENTERPRISE,
                                  source_name="爱心企业", visit=visit)
    services.referral_create(station=station_xiaohe, client=client, to_organisation="县残联", reason="转介",
                             referred_on=day)
    services.dispatch_send(user=center, station=station_xiaohe, title="派单",
                           deadline=day + datetime.timedelta(days=5), sent_on=day)


def _get_operations():
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            yield operation


@pytest.mark.django_db
def test_worker_reads_as_documented(xiaohe_records, xiaohe):
    """Every list as xiaohe sees it and the first record of each, checked by every check."""
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=xiaohe)[0].key}"}
    operations = list(_get_operations())
    first_ids, read = {}, []
    for operation in operations:
        if "{" in operation.path:
            continue
        query = {"year": 2024} if operation.path.endswith("/annual/") else {"month": "2024-03"} \
            if operation.path.endswith("/monthly/") else None
        response = operation.Case(query=query).call_and_validate(headers=headers)
        results = response.json().get("results") if isinstance(response.json(), dict) else None
        if results:
            first_ids[operation.path] = results[0]["id"]
        read.append(operation.path)
    for operation in operations:
        if "{" not in operation.path:
            continue
        collection = operation.path.split("{id}/")[0]
        if collection not in first_ids:
            continue
        operation.Case(path_parameters={"id": first_ids[collection]}).call_and_validate(headers=headers)
        read.append(operation.path)
    for expected in ["/api/v1/clients/{id}/", "/api/v1/cases/{id}/", "/api/v1/visits/{id}/",
                     "/api/v1/dispatches/{id}/", "/api/v1/stations/{id}/"]:
        assert expected in read
