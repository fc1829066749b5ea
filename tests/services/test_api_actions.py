"""The API twins of the services pages' actions: case notes, group sessions with attendance,
closing a dispatch, submitting a monthly report and the campaign tags. Each answers like its page:
same permission, same scope (another station's record is a 404), same messages, nothing written
on bad input."""

import datetime

import pytest

from services import services
from services.choices import DispatchStatus
from services.models import CampaignTag, CaseNote, GroupSession, MonthlyReport
from stations.models import Staff

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 4)


def test_a_worker_adds_a_case_note_and_reads_the_notes(api, xiaohe, records):
    case = records["xiaohe"]["case"]
    response = api(xiaohe).post(f"/api/v1/cases/{case.pk}/notes/", {"noted_on": "2024-03-05", "text": "电话回访，情绪稳定。"},
                                format="json")
    assert response.status_code == 201, response.data
    note = CaseNote.objects.get(pk=response.data["id"])
    assert note.case == case and note.author == Staff.objects.get(user=xiaohe)
    assert note.history.get().history_user == xiaohe  # the audit trail names the caller
    listed = api(xiaohe).get(f"/api/v1/cases/{case.pk}/notes/")
    assert [row["text"] for row in listed.data] == ["电话回访，情绪稳定。"]


def test_a_case_note_refused_with_the_pages_message_and_nothing_written(api, xiaohe, records):
    case = records["xiaohe"]["case"]
    response = api(xiaohe).post(f"/api/v1/cases/{case.pk}/notes/", {"noted_on": "2024-03-05", "text": "  "},
                                format="json")
    assert response.status_code == 400
    assert "text" in response.data
    response = api(xiaohe).post(f"/api/v1/cases/{case.pk}/notes/", {"noted_on": "2020-01-01", "text": "早于立案"},
                                format="json")
    assert response.status_code == 400 and "noted_on" in response.data
    response = api(xiaohe).post(f"/api/v1/cases/{case.pk}/notes/", ["text"], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.data
    assert not CaseNote.objects.exists()


def test_case_notes_are_scoped(api, baisi, city, auditor, center, records):
    case = records["xiaohe"]["case"]
    assert api(baisi).get(f"/api/v1/cases/{case.pk}/notes/").status_code == 404
    assert api(baisi).post(f"/api/v1/cases/{case.pk}/notes/", {"text": "越权"}, format="json").status_code == 404
    for reader in (city, auditor):  # figures-only and audit roles reach no case
        assert api(reader).get(f"/api/v1/cases/{case.pk}/notes/").status_code in (403, 404)
    # the guidance center reads the county's cases but may not write on them (no change permission)
    assert api(center).get(f"/api/v1/cases/{case.pk}/notes/").status_code == 200
    assert api(center).post(f"/api/v1/cases/{case.pk}/notes/", {"text": "督导"}, format="json").status_code == 403
    assert not CaseNote.objects.exists()


def test_a_group_session_with_attendance(api, xiaohe, records, person, station_xiaohe, station_baisi):
    group = records["xiaohe"]["group"]
    member = records["xiaohe"]["client"]
    stranger = person(station_xiaohe, "非组员")
    url = f"/api/v1/groups/{group.pk}/sessions/"
    before = GroupSession.objects.count()
    bad = api(xiaohe).post(url, {"held_on": "2024-03-11", "attendance_count": 1, "attendees": [member.pk, stranger.pk]},
                           format="json")
    assert bad.status_code == 400 and "attendees" in bad.data
    bad = api(xiaohe).post(url, {"held_on": "2024-03-11", "attendance_count": 0, "attendees": [member.pk]},
                           format="json")
    assert bad.status_code == 400 and "attendance_count" in bad.data
    other = api(xiaohe).post(url, {"held_on": "2024-03-11", "attendance_count": 3,
                                   "attendees": [records["baisi"]["client"].pk]}, format="json")
    assert other.status_code == 400 and "attendees" in other.data  # another station's person "does not exist"
    assert GroupSession.objects.count() == before
    response = api(xiaohe).post(url, {"held_on": "2024-03-11", "topic": "情绪管理", "attendance_count": 8,
                                      "attendees": [member.pk]}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["number"] == 2 and response.data["attendees"] == [member.pk]
    assert api(xiaohe).get(f"/api/v1/groups/{group.pk}/").data["sessions"][-1]["topic"] == "情绪管理"


def test_group_sessions_are_scoped(api, baisi, city, center, records):
    group = records["xiaohe"]["group"]
    body = {"held_on": "2024-03-11", "attendance_count": 8}
    before = GroupSession.objects.count()
    assert api(baisi).post(f"/api/v1/groups/{group.pk}/sessions/", body, format="json").status_code == 404
    assert api(city).post(f"/api/v1/groups/{group.pk}/sessions/", body, format="json").status_code == 403
    assert api(center).post(f"/api/v1/groups/{group.pk}/sessions/", body, format="json").status_code == 403
    assert GroupSession.objects.count() == before


def test_the_sender_closes_a_reported_dispatch(api, xiaohe, center, baisi, records):
    dispatch = records["xiaohe"]["dispatch"]
    refused = api(center).post(f"/api/v1/dispatches/{dispatch.pk}/close/")
    assert refused.status_code == 400  # not reported back yet: the service's message
    assert api(baisi).post(f"/api/v1/dispatches/{dispatch.pk}/close/").status_code == 404
    services.dispatch_accept(dispatch=dispatch, user=xiaohe)
    services.dispatch_report_back(dispatch=dispatch, user=xiaohe, report="已办结")
    assert api(xiaohe).post(f"/api/v1/dispatches/{dispatch.pk}/close/").status_code == 400  # not the sender
    response = api(center).post(f"/api/v1/dispatches/{dispatch.pk}/close/")
    assert response.status_code == 200 and response.data["status"] == DispatchStatus.CLOSED


def test_the_station_head_submits_a_month(api, xiaohe_head, xiaohe, station_xiaohe):
    refused = api(xiaohe).post("/api/v1/monthly-reports/submit/", {"month": "2024-02"}, format="json")
    assert refused.status_code == 403  # a worker may not submit
    bad = api(xiaohe_head).post("/api/v1/monthly-reports/submit/", {"month": "二月"}, format="json")
    assert bad.status_code == 400 and "month" in bad.data
    assert not MonthlyReport.objects.exists()
    response = api(xiaohe_head).post("/api/v1/monthly-reports/submit/", {"month": "2024-02", "summary": "入户 30 次"},
                                     format="json")
    assert response.status_code == 200, response.data
    report = MonthlyReport.objects.get()
    assert report.station == station_xiaohe and report.month == datetime.date(2024, 2, 1)
    assert response.data["status"] == report.status == "submitted"


def test_campaign_tags_through_the_api(api, bureau, xiaohe, count_queries):
    assert api(xiaohe).post("/api/v1/campaign-tags/", {"name": "五社联动"}, format="json").status_code == 403
    response = api(bureau).post("/api/v1/campaign-tags/", {"name": "五社联动", "description": "县级活动"},
                                format="json")
    assert response.status_code == 201, response.data
    tag = CampaignTag.objects.get(pk=response.data["id"])
    duplicate = api(bureau).post("/api/v1/campaign-tags/", {"name": "五社联动"}, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.data
    stale = api(bureau).patch(f"/api/v1/campaign-tags/{tag.pk}/", {"is_active": False}, format="json")
    assert stale.status_code == 400 and "version" in stale.data  # the one version check
    version = api(bureau).get(f"/api/v1/campaign-tags/{tag.pk}/").data["version"]
    done = api(bureau).patch(f"/api/v1/campaign-tags/{tag.pk}/", {"is_active": False, "version": version},
                             format="json")
    assert done.status_code == 200 and done.data["version"] != version
    client = api(xiaohe)
    few = count_queries(lambda: client.get("/api/v1/campaign-tags/"))
    CampaignTag.objects.bulk_create([CampaignTag(name=f"标签{i}") for i in range(29)])
    many = count_queries(lambda: client.get("/api/v1/campaign-tags/"))
    assert few == many
