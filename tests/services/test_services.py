"""The rules of services.services: one client per visit, dates, stations, monitoring,
optimistic locking, the case workflow, attendance, dispatch and the locked month."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from portal.locking import record_state
from services import services
from services.choices import CaseStage, DispatchStatus, MonthlyReportStatus, VisitKind
from services.models import (
    CaseNote,
    CaseStageChange,
    Dispatch,
    MonthlyReportEvent,
    Visit,
)
from stations.models import Staff

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 4)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in the English source; the Chinese is checked through the web."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_x(person, station_xiaohe):
    return person(station_xiaohe, "王秀英")


def test_visit_moves_the_clients_monitoring(client_x, xiaohe):
    services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.HOME_VISIT, risk_level="high", user=xiaohe)
    client_x.refresh_from_db()
    assert client_x.last_visit_on == DAY
    assert client_x.risk_level == "high"
    assert client_x.next_visit_due == DAY + datetime.timedelta(days=7)  # high risk: weekly


def test_an_older_visit_entered_late_does_not_move_the_last_visit_back(client_x):
    services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.HOME_VISIT)
    services.visit_record(client=client_x, visited_on=DAY - datetime.timedelta(days=30), kind=VisitKind.PHONE_CALL)
    client_x.refresh_from_db()
    assert client_x.last_visit_on == DAY


@pytest.mark.parametrize(("day", "message"), [
    (timezone.localdate() + datetime.timedelta(days=1), "future"),
    (datetime.date(2021, 12, 31), "registered on 2022-01-01"),
])
def test_visit_date_in_the_future_or_before_registration_is_refused(client_x, day, message):
    with pytest.raises(ValidationError) as error:
        services.visit_record(client=client_x, visited_on=day, kind=VisitKind.HOME_VISIT)
    assert message in str(error.value.message_dict["visited_on"])
    assert not Visit.objects.exists()


def test_visit_of_a_client_of_another_station_is_refused(client_x, station_baisi):
    with pytest.raises(ValidationError) as error:
        services.visit_record(client=client_x, station=station_baisi, visited_on=DAY, kind=VisitKind.HOME_VISIT)
    assert "client" in error.value.message_dict
    assert not Visit.objects.exists()


def test_worker_of_another_station_cannot_be_on_a_visit(client_x, baisi):
    with pytest.raises(ValidationError) as error:
        services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.HOME_VISIT,
                              workers=[Staff.objects.get(user=baisi)])
    assert "workers" in error.value.message_dict


def test_outing_is_all_or_nothing(person, station_xiaohe):
    good = person(station_xiaohe, "甲")
    late = person(station_xiaohe, "乙", registered_on=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.visit_outing_record(clients=[good, late], visited_on=DAY, kind=VisitKind.HOME_VISIT)
    assert not Visit.objects.exists()
    visits = services.visit_outing_record(clients=[good, person(station_xiaohe, "丙")], visited_on=DAY,
                                          kind=VisitKind.HOME_VISIT)
    assert len({v.outing for v in visits}) == 1 and visits[0].outing


def test_visit_update_with_a_stale_version_is_refused(client_x):
    visit = services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.HOME_VISIT)
    read = record_state(visit, ["findings", "needs"])  # what both editors opened
    services.visit_update(visit=visit, expected=read, findings="first")
    with pytest.raises(ValidationError) as error:
        services.visit_update(visit=visit, expected=read, needs="second")
    assert "first" in error.value.message_dict["findings"][0]
    visit.refresh_from_db()
    assert (visit.findings, visit.needs) == ("first", "")


def test_negative_resource_value_is_refused(station_xiaohe):
    with pytest.raises(ValidationError) as error:
        services.resource_link_record(station=station_xiaohe, linked_on=DAY, kind="cash", description="慰问金",
                                      value=Decimal("-1"), source_kind="donor", source_name="爱心人士")
    assert "value" in error.value.message_dict


@pytest.fixture
def case(client_x, station_xiaohe, xiaohe):
    return services.case_open(station=station_xiaohe, title="独居老人个案", manager=Staff.objects.get(user=xiaohe),
                              clients=[client_x], intake_on=DAY, user=xiaohe)


def approved_plan(case, head):
    """A plan with one goal, submitted and approved by the station head (needed before 介入)."""
    services.case_goal_add(case=case, description="恢复规律生活", target="每周参加社区活动至少一次", review_on=DAY)
    services.case_plan_submit(case=case, user=None)
    return services.case_plan_decide(case=case, user=head, approve=True)


def walk_to_evaluation(case, head):
    for stage in ["assessment", "planning", "intervention", "evaluation"]:
        if stage == "intervention":
            approved_plan(case, head)
        case = services.case_transition(case=case, to_stage=stage, on=DAY)
    return case


def test_case_walks_the_legal_path_and_reopens(case, xiaohe_head):
    case = walk_to_evaluation(case, xiaohe_head)
    case = services.case_transition(case=case, to_stage="closed", on=DAY, closure_reason="goals_met")
    assert (case.stage, case.closed_on) == (CaseStage.CLOSED, DAY)
    with pytest.raises(ValidationError):
        services.case_transition(case=case, to_stage="assessment", on=DAY)  # reopening needs a reason
    case = services.case_transition(case=case, to_stage="assessment", on=DAY, note="服务对象再次陷入困境")
    assert case.stage == CaseStage.ASSESSMENT and case.closed_on is None
    assert CaseStageChange.objects.filter(case=case).count() == 7


def test_illegal_case_transition_is_refused_and_writes_nothing(case):
    changes = CaseStageChange.objects.count()
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_stage="intervention", on=DAY)
    message = error.value.message_dict["to_stage"][0]
    assert "cannot move" in message and "Assessment" in message
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE
    assert CaseStageChange.objects.count() == changes


def test_illegal_case_transition_message_is_in_chinese(case, web, xiaohe):
    response = web(xiaohe).post(f"/services/cases/{case.pk}/transition/",
                                {"to_stage": "evaluation", "on": "2024-03-05"},
                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    response = web(xiaohe).post(f"/api/v1/cases/{case.pk}/transition/", {"to_stage": "evaluation"},
                                content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "不能" in response.json()["to_stage"][0]
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE


def test_closing_needs_a_reason(case, xiaohe_head):
    case = walk_to_evaluation(case, xiaohe_head)
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_stage="closed", on=DAY)
    assert "closure_reason" in error.value.message_dict


def test_group_attendance_cannot_be_less_than_the_named_attendees(person, station_xiaohe):
    members = [person(station_xiaohe, f"组员{i}") for i in range(3)]
    group = services.group_create(station=station_xiaohe, theme="银龄互助", members=members, created_on=DAY)
    with pytest.raises(ValidationError) as error:
        services.group_session_record(group=group, held_on=DAY, attendance_count=2, attendees=members)
    assert "attendance_count" in error.value.message_dict
    session = services.group_session_record(group=group, held_on=DAY, attendance_count=12, attendees=members)
    assert session.number == 1


def test_dispatch_round_trip_and_overdue_flag(center, xiaohe, baisi, station_xiaohe):
    sent = timezone.localdate() - datetime.timedelta(days=10)
    dispatch = services.dispatch_send(user=center, station=station_xiaohe, title="网格上报", sent_on=sent,
                                      deadline=sent + datetime.timedelta(days=3))
    assert dispatch.is_overdue
    assert list(Dispatch.objects.overdue()) == [dispatch]
    with pytest.raises(ValidationError):
        services.dispatch_accept(dispatch=dispatch, user=baisi)  # another station's worker
    with pytest.raises(ValidationError):
        services.dispatch_send(user=xiaohe, station=station_xiaohe, title="x", deadline=sent)
    services.dispatch_accept(dispatch=dispatch, user=xiaohe)
    dispatch = services.dispatch_report_back(dispatch=dispatch, user=xiaohe, report="已入户核实")
    assert dispatch.status == DispatchStatus.REPORTED and not dispatch.is_overdue and dispatch.reported_late
    assert dispatch.issued_by.short_name == "指导中心"


def _approved(station, month, head, center, bureau):
    report = services.monthly_report_submit(station=station, month=month, user=head,
                                            now=timezone.make_aware(datetime.datetime(2024, 4, 3, 9)))
    services.monthly_report_review(report=report, user=center, passed=True)
    return services.monthly_report_approve(report=report, user=bureau)


def test_monthly_report_workflow_and_on_time_flag(station_xiaohe, xiaohe_head, xiaohe, center, bureau):
    with pytest.raises(ValidationError):
        services.monthly_report_submit(station=station_xiaohe, month=datetime.date(2024, 3, 1), user=xiaohe)
    report = services.monthly_report_submit(station=station_xiaohe, month=datetime.date(2024, 3, 1),
                                            user=xiaohe_head, now=timezone.make_aware(datetime.datetime(2024, 4, 7)))
    assert report.on_time is False
    with pytest.raises(ValidationError) as error:
        services.monthly_report_review(report=report, user=center, passed=False)
    assert "comment" in error.value.message_dict
    report = services.monthly_report_review(report=report, user=center, passed=False, comment="补充儿童探访")
    assert report.status == MonthlyReportStatus.RETURNED
    report = services.monthly_report_submit(station=station_xiaohe, month=datetime.date(2024, 3, 1),
                                            user=xiaohe_head)
    assert report.on_time is False  # the first submission decides
    with pytest.raises(ValidationError):
        services.monthly_report_approve(report=report, user=bureau)  # not reviewed yet
    services.monthly_report_review(report=report, user=center, passed=True)
    report = services.monthly_report_approve(report=report, user=bureau)
    assert report.is_locked
    assert list(MonthlyReportEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "submit", "return", "submit", "pass", "approve"]


def test_locked_month_refuses_every_write_until_reopened(client_x, case, station_xiaohe, xiaohe_head, center,
                                                          bureau, xiaohe):
    visit = services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.HOME_VISIT)
    report = _approved(station_xiaohe, datetime.date(2024, 3, 1), xiaohe_head, center, bureau)
    visits, notes = Visit.objects.count(), CaseNote.objects.count()
    attempts = [
        lambda: services.visit_record(client=client_x, visited_on=DAY, kind=VisitKind.PHONE_CALL),
        lambda: services.visit_update(visit=visit, findings="改"),
        lambda: services.visit_update(visit=visit, visited_on=datetime.date(2024, 4, 2)),  # moving it out too
        lambda: services.case_note_add(case=case, noted_on=DAY, text="记录"),
        lambda: services.case_transition(case=case, to_stage="assessment", on=DAY),
        lambda: services.activity_record(station=station_xiaohe, held_on=DAY, title="活动", kind="other",
                                         participant_count=3),
        lambda: services.resource_link_record(station=station_xiaohe, linked_on=DAY, kind="cash", description="x",
                                              value=Decimal("1"), source_kind="donor", source_name="x"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "2024-03 is locked" in " ".join(error.value.messages)
    assert (Visit.objects.count(), CaseNote.objects.count()) == (visits, notes)
    visit.refresh_from_db()
    assert visit.findings == "" and visit.visited_on == DAY
    # April is open
    services.visit_record(client=client_x, visited_on=datetime.date(2024, 4, 2), kind=VisitKind.PHONE_CALL)
    with pytest.raises(ValidationError):
        services.monthly_report_reopen(report=report, user=bureau, reason="")
    services.monthly_report_reopen(report=report, user=bureau, reason="补录漏报的探访")
    services.visit_update(visit=visit, findings="改")
    event = MonthlyReportEvent.objects.filter(report=report).last()
    assert (event.action, event.comment) == ("reopen", "补录漏报的探访")


def test_locked_month_refused_on_the_web_form_with_nothing_written(client_x, station_xiaohe, xiaohe_head, center,
                                                                    bureau, web, xiaohe):
    _approved(station_xiaohe, datetime.date(2024, 3, 1), xiaohe_head, center, bureau)
    response = web(xiaohe).post("/services/visits/add/", {
        "clients": [client_x.pk], "visited_on": "2024-03-10", "kind": "home_visit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "is locked" in " ".join(response.context["form"].errors["visited_on"])
    assert not Visit.objects.exists()
