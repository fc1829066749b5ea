"""Pages: the outing form, bad input with the field's message and nothing written, the case
workflow on the web, dispatch on both sides, monthly reports, my day."""

import datetime

import pytest

from services import services
from services.models import ActivityPhoto, Case, Dispatch, MonthlyReport, ResourceLink, Visit
from stations.models import Staff

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 4)


def test_outing_form_logs_one_visit_per_client(web, xiaohe, station_xiaohe, person):
    clients = [person(station_xiaohe, name) for name in ("赵一", "钱二", "孙三")]
    staff = Staff.objects.get(user=xiaohe)
    response = web(xiaohe).post("/services/visits/add/", {
        "clients": [c.pk for c in clients], "visited_on": "2024-05-02", "kind": "festival_greeting",
        "workers": [staff.pk], "findings": "送米面油",
    })
    assert response.status_code == 302
    visits = Visit.objects.filter(client__in=clients)
    assert visits.count() == 3 and len({v.outing for v in visits}) == 1
    assert all(list(v.workers.all()) == [staff] for v in visits)


def test_outing_form_shows_the_fields_message_and_writes_nothing(web, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe)
    response = web(xiaohe).post("/services/visits/add/", {"clients": [client.pk], "visited_on": "2099-01-01",
                                                          "kind": "home_visit"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "晚于今天" in " ".join(response.context["form"].errors["visited_on"])
    response = web(xiaohe).post("/services/visits/add/", {"visited_on": "2024-01-01", "kind": "home_visit"})
    assert "clients" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_resource_link_negative_value_shows_message(web, xiaohe):
    response = web(xiaohe).post("/services/resource-links/add/", {
        "linked_on": "2024-03-01", "kind": "cash", "description": "慰问金", "value": "-5",
        "source_kind": "donor", "source_name": "爱心人士"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert not ResourceLink.objects.exists()


def test_activity_with_fewer_participants_than_named_is_refused(web, xiaohe, station_xiaohe, person):
    people = [person(station_xiaohe, f"居民{i}") for i in range(3)]
    response = web(xiaohe).post("/services/activities/add/", {
        "held_on": "2024-03-01", "title": "义诊", "kind": "health", "participant_count": "2",
        "participants": [p.pk for p in people]})
    assert response.status_code == 200
    assert response.context["form"].errors["participant_count"]


def test_activity_photo_is_kept(web, xiaohe, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    response = web(xiaohe).post("/services/activities/add/", {
        "held_on": "2024-03-01", "title": "义诊", "kind": "health", "participant_count": "20", "photo": photo})
    assert response.status_code == 302
    assert ActivityPhoto.objects.count() == 1


def test_case_workflow_on_the_web(web, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe)
    staff = Staff.objects.get(user=xiaohe)
    response = web(xiaohe).post("/services/cases/add/", {
        "title": "困境儿童学业支持", "intake_on": "2024-03-01", "manager": staff.pk, "clients": [client.pk]})
    assert response.status_code == 302
    case = Case.objects.get()
    page = web(xiaohe).get(case.get_absolute_url())
    assert [c[0] for c in page.context["transition_form"].fields["to_stage"].choices] == ["assessment"]
    response = web(xiaohe).post(f"/services/cases/{case.pk}/transition/",
                                {"to_stage": "assessment", "on": "2024-03-02",
                                 "loaded_state": page.context["transition_form"]["loaded_state"].value()})
    assert response.status_code == 302
    response = web(xiaohe).post(f"/services/cases/{case.pk}/note/", {"noted_on": "2024-03-03", "text": "入户面谈"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "assessment" and case.notes.count() == 1


def test_a_refused_case_transition_reshows_the_case_page_with_the_fields_message(web, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe)
    staff = Staff.objects.get(user=xiaohe)
    web(xiaohe).post("/services/cases/add/", {
        "title": "困境儿童学业支持", "intake_on": "2024-03-01", "manager": staff.pk, "clients": [client.pk]})
    case = Case.objects.get()
    changes = case.stage_changes.count()
    response = web(xiaohe).post(f"/services/cases/{case.pk}/transition/",
                                {"to_stage": "assessment", "on": "2024-02-01"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["object"] == case
    assert response.context["transition_form"].errors["on"] == ["The date cannot be before the intake date."]
    case.refresh_from_db()
    assert case.stage == "intake" and case.stage_changes.count() == changes
    assert web(xiaohe).get(f"/services/cases/{case.pk}/transition/").status_code == 200  # a confirmation page


def test_dispatch_flows_and_overdue_shows_on_both_sides(web, center, xiaohe, station_xiaohe):
    sent = datetime.date.today() - datetime.timedelta(days=9)
    response = web(center).post("/services/dispatches/add/", {
        "station": station_xiaohe.pk, "title": "网格上报:独居老人多日未见", "source": "grid_report",
        "deadline": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    dispatch = Dispatch.objects.get()
    Dispatch.objects.filter(pk=dispatch.pk).update(sent_on=sent, deadline=sent + datetime.timedelta(days=2))
    assert web(center).get("/services/dispatches/", {"overdue": "true"}).context["paginator"].count == 1
    day = web(xiaohe).get("/services/my-day/")
    assert [d.pk for d in day.context["dispatches"]] == [dispatch.pk] and day.context["dispatches"][0].is_overdue
    web(xiaohe).post(f"/services/dispatches/{dispatch.pk}/accept/")
    web(xiaohe).post(f"/services/dispatches/{dispatch.pk}/report/", {"report": "已入户,联系子女"})
    dispatch.refresh_from_db()
    assert dispatch.status == "reported"
    web(center).post(f"/services/dispatches/{dispatch.pk}/close/")
    dispatch.refresh_from_db()
    assert dispatch.status == "closed"


def test_monthly_report_pages(web, xiaohe_head, center, bureau, station_xiaohe):
    response = web(xiaohe_head).post("/services/monthly-reports/submit/", {"month": "2024-03", "summary": "本月探访"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and report.status == "submitted"
    web(center).post(f"/services/monthly-reports/{report.pk}/pass/")
    web(bureau).post(f"/services/monthly-reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.status == "approved"
    page = web(bureau).get("/services/monthly-reports/", {"year": "2024"})
    row = next(r for r in page.context["status_table"].rows if r["station_id"] == station_xiaohe.pk)
    assert row["cells"][2] == (report, False)
    assert row["cells"][0] == (None, True)  # January: missing, its deadline passed
    # the grid's March cell: the report's badge linking to it; January's: "missing"
    html = page.content.decode()
    assert f'href="{report.get_absolute_url()}"' in html and "text-bg-success" in html
    assert "text-bg-light border text-danger" in html
    web(bureau).post(f"/services/monthly-reports/{report.pk}/reopen/", {"comment": ""})
    report.refresh_from_db()
    assert report.status == "approved"  # a reason is needed
    web(bureau).post(f"/services/monthly-reports/{report.pk}/reopen/", {"comment": "补录"})
    report.refresh_from_db()
    assert report.status == "reopened"


def test_my_day_lists_overdue_and_due_clients(web, xiaohe, station_xiaohe, person):
    overdue = person(station_xiaohe, "逾期")
    due = person(station_xiaohe, "将到期")
    from clients.models import Client

    Client.objects.filter(pk=due.pk).update(next_visit_due=datetime.date.today() + datetime.timedelta(days=3))
    page = web(xiaohe).get("/services/my-day/")
    assert overdue in page.context["overdue_clients"]
    assert due in page.context["due_clients"]


def test_visit_api_creates_and_refuses_like_the_form(api, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe)
    response = api(xiaohe).post("/api/v1/visits/", {"client": client.pk, "visited_on": "2099-01-01",
                                                    "kind": "home_visit"}, format="json")
    assert response.status_code == 400 and "visited_on" in response.json()
    response = api(xiaohe).post("/api/v1/visits/", {"client": client.pk, "visited_on": "2024-03-01",
                                                    "kind": "home_visit"}, format="json")
    assert response.status_code == 201
    visit = Visit.objects.get()
    stale = api(xiaohe).patch(f"/api/v1/visits/{visit.pk}/", {"findings": "x", "version": 0}, format="json")
    assert stale.status_code == 400
    client.refresh_from_db()
    assert client.last_visit_on == datetime.date(2024, 3, 1)


def test_visit_api_uses_keyset_pagination(api, xiaohe, station_xiaohe, person):
    client = person(station_xiaohe)
    for day in range(1, 4):
        services.visit_record(client=client, visited_on=datetime.date(2024, 3, day), kind="phone_call")
    body = api(xiaohe).get("/api/v1/visits/", {"page_size": 2}).json()
    assert "count" not in body and body["next"]
    assert [r["visited_on"] for r in body["results"]] == ["2024-03-03", "2024-03-02"]


def test_client_page_timeline_shows_services_within_scope(records, xiaohe, bureau):
    from django.utils import translation

    from clients.timeline import timeline_for

    client = records["xiaohe"]["client"]
    with translation.override("en"):
        kinds = {str(entry.kind) for entry in timeline_for(client, bureau)}
    assert {"Visit", "Case opened", "Group session", "Community activity", "Resource linked", "Referral"} <= kinds
    # a worker of 小河站 asking about a 白寺站 person gets none of 白寺站's service records
    assert not [e for e in timeline_for(records["baisi"]["client"], xiaohe) if "/services/" in e.url]
