"""Notifications (issue 16, item 2): the daily job writes each user's notices — only for
records they can see, once per thing however often it runs — into an inbox with a bell, and
e-mails a digest only when that is turned on."""

import datetime
import random

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from clients import idnumbers
from clients.models import Client
from reports import notices
from services import services
from stations.models import Certificate, Staff

pytestmark = pytest.mark.django_db
_rng = random.Random(1616)


def today():
    return timezone.localdate()


def person(station, name, worker=None, **extra):
    return Client.objects.create(station=station, name=name, registered_on=datetime.date(2022, 1, 1), worker=worker,
                                 id_number=idnumbers.generate(_rng, born=datetime.date(1950, 1, 1), male=True),
                                 **extra)


@pytest.fixture
def returned_report(station_xiaohe, xiaohe_head, center):
    month = services.previous_month()
    report = services.monthly_report_submit(station=station_xiaohe, month=month, user=xiaohe_head, summary="本月工作")
    return services.monthly_report_review(report=report, user=center, passed=False, comment="探访人次与台账不符")


def test_a_returned_monthly_report_reaches_the_station_head_through_the_daily_job(
        returned_report, web, xiaohe_head, xiaohe, bureau):
    call_command("notify", stdout=open("/dev/null", "w"))
    notice = Notification.objects.get(user=xiaohe_head, kind=NotificationKind.REPORT_RETURNED)
    assert "探访人次与台账不符" in notice.title and notice.url == returned_report.get_absolute_url()
    assert not Notification.objects.filter(user=bureau).exists()
    inbox = web(xiaohe_head).get("/notifications/")
    assert [n.pk for n in inbox.context["object_list"]] == [notice.pk]
    assert "1" in web(xiaohe_head).get("/notifications/bell/").content.decode()
    opened = web(xiaohe_head).get(f"/notifications/{notice.pk}/")
    assert opened["Location"] == returned_report.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert web(xiaohe_head).get("/notifications/bell/").content == b""


def test_running_the_job_twice_makes_no_duplicates(returned_report, station_xiaohe, xiaohe, center):
    services.dispatch_send(user=center, station=station_xiaohe, title="核查网格上报", deadline=today(),
                           sent_on=today() - datetime.timedelta(days=3))
    first = notices.run_daily()
    count = Notification.objects.count()
    assert first["dispatches_due"] >= 1 and first["monthly_reports_decided"] >= 1
    second = notices.run_daily()
    assert Notification.objects.count() == count
    assert all(value == 0 for key, value in second.items() if key != "digest")


def test_every_kind_goes_to_whom_it_concerns(station_xiaohe, xiaohe, xiaohe_head, center):
    worker = Staff.objects.get(user=xiaohe)
    due = person(station_xiaohe, "王秀英", worker=worker)
    services.follow_up_plan(client=due, due_on=today(), kind="home_visit", user=xiaohe)
    Client.objects.filter(pk=due.pk).update(risk_level="high", next_visit_due=today() - datetime.timedelta(days=3))
    case = services.case_open(station=station_xiaohe, title="独居老人个案", manager=worker, clients=[due],
                              intake_on=today() - datetime.timedelta(days=30))
    services.case_goal_add(case=case, description="恢复规律生活", target="每周参加社区活动一次",
                           review_on=today() + datetime.timedelta(days=3))
    Certificate.objects.create(staff=worker, level="assistant", number="ZS-16", issued_on=datetime.date(2020, 6, 1),
                               expires_on=today() + datetime.timedelta(days=45))
    notices.run_daily()
    kinds = set(Notification.objects.filter(user=xiaohe).values_list("kind", flat=True))
    assert {NotificationKind.FOLLOW_UP_DUE, NotificationKind.HIGH_RISK_OVERDUE, NotificationKind.PLAN_REVIEW_DUE,
            NotificationKind.CERTIFICATE_EXPIRING} <= kinds
    assert Notification.objects.filter(user=xiaohe_head, kind=NotificationKind.CERTIFICATE_EXPIRING).exists()


def test_no_notice_for_a_record_the_user_cannot_see(station_baisi, xiaohe, baisi):
    theirs = person(station_baisi, "刘建华")
    written = notices._deliver(NotificationKind.HIGH_RISK_OVERDUE, [
        (xiaohe, theirs.pk, f"highrisk:{theirs.pk}", "刘建华", theirs.get_absolute_url()),
        (baisi, theirs.pk, f"highrisk:{theirs.pk}", "刘建华", theirs.get_absolute_url())], Client)
    assert written == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["baisi"]


def test_the_inbox_is_ones_own(web, api, xiaohe, xiaohe_head):
    theirs = Notification.objects.create(user=xiaohe_head, kind=NotificationKind.REPORT_APPROVED, key="report:1",
                                         title="月报已审定", url="/services/monthly-reports/")
    assert not web(xiaohe).get("/notifications/").context["object_list"]
    assert web(xiaohe).get(f"/notifications/{theirs.pk}/").status_code == 404
    assert web(xiaohe).post("/notifications/read-all/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert web(xiaohe_head).post("/notifications/read-all/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is not None


def test_the_inbox_keeps_its_query_count(web, xiaohe, count_queries):
    def fill(start, n):
        Notification.objects.bulk_create([
            Notification(user=xiaohe, kind=NotificationKind.FOLLOW_UP_DUE, key=f"followup:{i}", title=f"跟进{i}",
                         url="/services/follow-ups/") for i in range(start, start + n)])

    fill(0, 3)
    three = count_queries(lambda: web(xiaohe).get("/notifications/"))
    fill(3, 27)
    assert count_queries(lambda: web(xiaohe).get("/notifications/")) == three


def test_the_digest_is_off_by_default_and_sends_once_when_on(returned_report, settings, xiaohe_head):
    xiaohe_head.email = "head@xiaohe.example"
    xiaohe_head.save()
    notices.run_daily()
    assert mail.outbox == []
    settings.NOTIFICATION_EMAIL = True
    notices.run_daily()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["head@xiaohe.example"]
    assert "探访人次与台账不符" in mail.outbox[0].body
    notices.run_daily()
    assert len(mail.outbox) == 1


def test_the_api_lists_ones_own_and_marks_them_read(api, xiaohe, xiaohe_head):
    mine = Notification.objects.create(user=xiaohe, kind=NotificationKind.FOLLOW_UP_DUE, key="followup:1",
                                       title="跟进", url="/services/follow-ups/")
    theirs = Notification.objects.create(user=xiaohe_head, kind=NotificationKind.REPORT_APPROVED, key="report:1",
                                         title="月报已审定", url="/services/monthly-reports/")
    assert [n["id"] for n in api(xiaohe).get("/api/v1/notifications/").json()["results"]] == [mine.pk]
    assert api(xiaohe).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = api(xiaohe).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert api(xiaohe).get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []
    assert api(xiaohe_head).post("/api/v1/notifications/read-all/").json() == {"count": 1}


def test_the_daily_notices_are_a_beat_entry_that_reaches_the_station_head(returned_report, settings, xiaohe_head):
    """The scheduled job (Celery beat entry "notifications-daily", run here through the schedule
    itself) produces the returned report's notice for the station head."""
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-daily"]
    assert entry["task"] == "reports.notices_daily"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {30})
    call_command("run_scheduled", "notifications-daily", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(user=xiaohe_head, kind=NotificationKind.REPORT_RETURNED).count() == 1
    call_command("run_scheduled", "notifications-daily", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(user=xiaohe_head, kind=NotificationKind.REPORT_RETURNED).count() == 1
