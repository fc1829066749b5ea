"""Case plans (issue 16, item 3): goals with measurable targets and review dates, tasks with
owner and due date, progress notes on goals; the station head or the center's supervisor
approves a plan (before 介入) and a closure (from any stage, with a reason); a case can be
handed to another worker of the station; a soft caseload limit warns."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from services import services
from services.choices import CaseEventKind, CasePlanStatus, CaseStage
from services.models import Case, CaseEvent, CaseGoal, CaseNote, CaseStageChange, CaseTask
from stations.choices import Role
from stations.models import Staff

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 4)


@pytest.fixture
def case(person, station_xiaohe, xiaohe):
    return services.case_open(station=station_xiaohe, title="独居老人个案", manager=Staff.objects.get(user=xiaohe),
                              clients=[person(station_xiaohe)], intake_on=DAY, user=xiaohe)


def goal(case, **extra):
    return services.case_goal_add(case=case, **{"description": "恢复规律生活", "target": "每周参加社区活动至少一次",
                                                "review_on": DAY + datetime.timedelta(days=60), **extra})


def to_planning(case):
    for stage in ("assessment", "planning"):
        case = services.case_transition(case=case, to_stage=stage, on=DAY)
    return case


def test_a_case_is_closed_at_intake_with_withdrew_once_the_head_approves(case, xiaohe, xiaohe_head):
    requested = services.case_close_request(case=case, user=xiaohe, closure_reason="client_withdrew",
                                            closure_note="本人明确表示不再需要服务", on=DAY)
    assert requested.stage == CaseStage.INTAKE and requested.closure_requested_on == DAY
    closed = services.case_closure_decide(case=case, user=xiaohe_head, approve=True)
    assert (closed.stage, closed.closed_on, closed.closure_reason) == (CaseStage.CLOSED, DAY, "client_withdrew")
    assert closed.closure_requested_on is None
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        CaseEventKind.CLOSURE_REQUEST, CaseEventKind.CLOSURE_APPROVE]
    assert list(CaseStageChange.objects.filter(case=case).values_list("to_stage", flat=True)) == ["intake", "closed"]


@pytest.mark.parametrize("reason", ["unreachable", "moved_away", "died", "goals_met"])
def test_the_head_closes_from_any_stage_with_a_reason(case, xiaohe_head, reason):
    case = services.case_transition(case=case, to_stage="assessment", on=DAY)
    closed = services.case_close_request(case=case, user=xiaohe_head, closure_reason=reason, on=DAY)
    assert closed.stage == CaseStage.CLOSED and closed.closure_reason == reason


def test_illegal_closures_are_refused_with_nothing_written(case, xiaohe, baisi, center):
    events, changes = CaseEvent.objects.count(), CaseStageChange.objects.count()
    with pytest.raises(ValidationError) as error:
        services.case_close_request(case=case, user=xiaohe, closure_reason="", on=DAY)
    assert "closure_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # a worker cannot close directly
        services.case_transition(case=case, to_stage="closed", on=DAY, closure_reason="client_withdrew", user=xiaohe)
    assert "结案须经站长或指导中心督导批准" in error.value.message_dict["to_stage"][0]
    with pytest.raises(ValidationError):  # nothing to approve
        services.case_closure_decide(case=case, user=center, approve=True)
    services.case_close_request(case=case, user=xiaohe, closure_reason="unreachable", on=DAY)
    events += 1
    with pytest.raises(ValidationError):  # another station's worker is no approver
        services.case_closure_decide(case=case, user=baisi, approve=True)
    with pytest.raises(ValidationError) as error:  # returning needs a comment
        services.case_closure_decide(case=case, user=center, approve=False)
    assert "comment" in error.value.message_dict
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE and case.closure_requested_on == DAY
    assert (CaseEvent.objects.count(), CaseStageChange.objects.count()) == (events, changes)
    returned = services.case_closure_decide(case=case, user=center, approve=False, comment="请再尝试联系一次")
    assert returned.closure_requested_on is None and returned.stage == CaseStage.INTAKE


def test_a_plan_needs_approval_before_intervention(case, xiaohe, xiaohe_head):
    case = to_planning(case)
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to_stage="intervention", on=DAY)
    assert "服务计划须经站长或指导中心督导批准" in error.value.message_dict["to_stage"][0]
    with pytest.raises(ValidationError):  # no goal yet
        services.case_plan_submit(case=case, user=xiaohe)
    first = goal(case)
    services.case_task_add(case=case, description="联系村医定期上门", owner=Staff.objects.get(user=xiaohe),
                           due_on=DAY + datetime.timedelta(days=14), goal=first)
    services.case_plan_submit(case=case, user=xiaohe)
    with pytest.raises(ValidationError):  # a submitted plan is not changed under the approver
        goal(case, description="另一目标")
    with pytest.raises(ValidationError):  # the worker cannot approve
        services.case_plan_decide(case=case, user=xiaohe, approve=True)
    returned = services.case_plan_decide(case=case, user=xiaohe_head, approve=False, comment="目标请写得可衡量")
    assert returned.plan_status == CasePlanStatus.RETURNED
    services.case_goal_update(goal=first, target="每周参加社区活动至少一次,持续三个月")
    services.case_plan_submit(case=case, user=xiaohe)
    services.case_plan_decide(case=case, user=xiaohe_head, approve=True)
    case = services.case_transition(case=case, to_stage="intervention", on=DAY)
    assert case.stage == CaseStage.INTERVENTION
    note = services.case_note_add(case=case, text="陪同参加社区活动", noted_on=DAY, goal=first)
    assert CaseNote.objects.get(pk=note.pk).goal == first


def test_bad_goals_and_tasks_are_refused_with_nothing_written(case, baisi):
    with pytest.raises(ValidationError) as error:
        goal(case, target=" ")
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        goal(case, review_on=DAY - datetime.timedelta(days=1))
    assert "review_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.case_task_add(case=case, description="入户", owner=Staff.objects.get(user=baisi), due_on=DAY)
    assert "owner" in error.value.message_dict
    assert not CaseGoal.objects.exists() and not CaseTask.objects.exists()


def test_a_case_is_handed_to_another_worker_of_the_station_only(case, xiaohe, xiaohe_head, baisi, settings):
    other = Staff.objects.filter(station=case.station_id, role=Role.SOCIAL_WORKER).exclude(user=xiaohe).first() \
        or Staff.objects.get(user=xiaohe_head)
    with pytest.raises(ValidationError) as error:
        services.case_transfer(case=case, user=xiaohe_head, to_manager=Staff.objects.get(user=baisi))
    assert "to_manager" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).manager.user == xiaohe
    moved = services.case_transfer(case=case, user=xiaohe_head, to_manager=other, note="休产假")
    assert moved.manager == other
    assert CaseEvent.objects.get(kind=CaseEventKind.TRANSFER).comment.endswith("休产假")
    settings.CASELOAD_SOFT_LIMIT = 0
    assert services.caseload_warning(other) is None  # a limit of 0 is no limit
    settings.CASELOAD_SOFT_LIMIT = 1
    services.case_open(station=case.station, title="第二个个案", manager=other, clients=list(case.clients.all()),
                       intake_on=DAY)
    assert "2" in services.caseload_warning(other)


def test_the_case_page_closes_at_intake_and_the_head_approves(web, case, xiaohe, xiaohe_head):
    response = web(xiaohe).post(f"/services/cases/{case.pk}/close/", {
        "closure_reason": "client_withdrew", "on": DAY.isoformat(), "closure_note": "本人退出"})
    assert response.status_code == 302
    page = web(xiaohe_head).get(case.get_absolute_url())
    assert page.context["is_approver"] and b"approve_closure" in page.content
    assert web(xiaohe).post(f"/services/cases/{case.pk}/approve_closure/", {"comment": ""}).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == CaseStage.INTAKE  # the worker's "approval" was refused
    assert web(xiaohe_head).post(f"/services/cases/{case.pk}/approve_closure/", {"comment": ""}).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == CaseStage.CLOSED


def test_the_api_runs_the_plan_and_the_closure(api, case, xiaohe, xiaohe_head):
    made = api(xiaohe).post("/api/v1/case-goals/", {"case": case.pk, "description": "恢复规律生活",
                                                     "target": "每周一次", "review_on": "2024-05-01"}, format="json")
    assert made.status_code == 201, made.json()
    bad = api(xiaohe).post("/api/v1/case-goals/", {"case": case.pk, "description": "x", "target": "",
                                                    "review_on": "2024-05-01"}, format="json")
    assert bad.status_code == 400 and CaseGoal.objects.count() == 1
    assert api(xiaohe).post(f"/api/v1/cases/{case.pk}/submit-plan/", {}, format="json").status_code == 200
    refused = api(xiaohe).post(f"/api/v1/cases/{case.pk}/decide-plan/", {"approve": True}, format="json")
    assert refused.status_code == 400
    approved = api(xiaohe_head).post(f"/api/v1/cases/{case.pk}/decide-plan/", {"approve": True}, format="json")
    assert approved.status_code == 200 and approved.json()["plan_status"] == "approved"
    closing = api(xiaohe).post(f"/api/v1/cases/{case.pk}/close/", {"closure_reason": "died", "on": "2024-03-05"},
                               format="json")
    assert closing.status_code == 200 and closing.json()["closure_requested_on"] == "2024-03-05"
    closed = api(xiaohe_head).post(f"/api/v1/cases/{case.pk}/decide-closure/", {"approve": True}, format="json")
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"


def test_goal_and_task_lists_are_scoped(web, api, case, person, station_baisi, baisi, xiaohe):
    theirs = services.case_open(station=station_baisi, title="白寺个案", manager=Staff.objects.get(user=baisi),
                                clients=[person(station_baisi, "刘建华")], intake_on=DAY)
    hidden_goal = goal(theirs)
    hidden_task = services.case_task_add(case=theirs, description="入户", owner=Staff.objects.get(user=baisi),
                                         due_on=DAY)
    goal(case)
    for url, hidden in (("/services/case-goals/", hidden_goal), ("/services/case-tasks/", hidden_task)):
        listed = web(xiaohe).get(url).context["object_list"]
        assert hidden not in list(listed)
        assert web(xiaohe).get(hidden.get_absolute_url()).status_code == 404
    assert [g["id"] for g in api(xiaohe).get("/api/v1/case-goals/").json()["results"]] == [
        CaseGoal.objects.get(case=case).pk]
    assert api(xiaohe).get(f"/api/v1/case-tasks/{hidden_task.pk}/").status_code == 404


def test_goal_and_task_lists_keep_their_query_count(web, api, case, xiaohe, count_queries):
    owner = Staff.objects.get(user=xiaohe)

    def fill(n):
        for i in range(n):
            g = goal(case, description=f"目标{i}")
            services.case_task_add(case=case, description=f"任务{i}", owner=owner, due_on=DAY, goal=g)

    urls = ["/services/case-goals/", "/services/case-tasks/", "/api/v1/case-goals/", "/api/v1/case-tasks/"]

    def measure():
        return {url: count_queries(lambda url=url: (api(xiaohe) if "api" in url else web(xiaohe)).get(url))
                for url in urls}

    fill(3)
    three = measure()
    fill(27)
    assert measure() == three


def test_case_plans_answer_each_case_with_its_goals_and_tasks_scoped(api, case, person, station_baisi, baisi, xiaohe,
                                                                      city, count_queries):
    """SPEC §4 ``case-plans``: a case's plan (status, goals, tasks) as one record, scoped like the
    cases, read only (written through case-goals, case-tasks and the case's plan actions)."""
    theirs = services.case_open(station=station_baisi, title="白寺个案", manager=Staff.objects.get(user=baisi),
                                clients=[person(station_baisi, "刘建华")], intake_on=DAY)
    goal(theirs)
    made = goal(case)
    task = services.case_task_add(case=case, description="入户", owner=Staff.objects.get(user=xiaohe), due_on=DAY,
                                  goal=made)
    plans = api(xiaohe).get("/api/v1/case-plans/").json()["results"]
    mine = next(plan for plan in plans if plan["case"] == case.pk)
    assert [g["id"] for g in mine["goals"]] == [made.pk] and [t["id"] for t in mine["tasks"]] == [task.pk]
    assert mine["tasks"][0]["goal"] == made.pk and mine["plan_status"] == case.plan_status
    assert theirs.pk not in [plan["case"] for plan in plans]
    assert api(xiaohe).get(f"/api/v1/case-plans/{theirs.pk}/").status_code == 404
    assert api(city).get("/api/v1/case-plans/").status_code == 403  # person-level: not the city viewer
    assert api(xiaohe).post("/api/v1/case-plans/", {"case": case.pk}, format="json").status_code == 405

    def queries():
        return count_queries(lambda: api(xiaohe).get("/api/v1/case-plans/"))

    before = queries()
    for i in range(10):
        services.case_task_add(case=case, description=f"任务{i}", owner=Staff.objects.get(user=xiaohe), due_on=DAY,
                               goal=goal(case, description=f"目标{i}"))
    assert queries() == before
