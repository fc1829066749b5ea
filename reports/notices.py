"""The daily notifications (issue 16, item 2): plain functions a scheduler runs once a day.

Each producer finds what is due and writes one ``accounts.Notification`` per user and thing
(its ``key``: running a producer twice on the same day, or again the next day, makes no
duplicate), only for a user who can see the record (``visible_to``), linking to the record.
``run_daily(today=None)`` runs every producer and then the digest; the management command
``notify`` calls it, and the task engine's daily schedule (celery beat) should call it too.

The digest (``daily_digest``) sends each user one e-mail of their unread notifications of the
day through Django's e-mail backend, only when ``settings.NOTIFICATION_EMAIL`` is on (off by
default: government intranets often have no mail server) and the user has an address.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind
from clients.choices import RiskLevel
from clients.models import Client
from services.choices import DISPATCH_OPEN, CaseStage, MonthlyReportAction
from services.models import CaseGoal, Dispatch, FollowUp, MonthlyReport, MonthlyReportEvent
from stations.choices import Role
from stations.models import Certificate, Staff
from training.choices import RectificationStatus
from training.models import RectificationItem

DISPATCH_NEAR_DAYS = 2  # a dispatch due within two days is "near its deadline"
RECTIFICATION_NEAR_DAYS = 7
PLAN_REVIEW_NEAR_DAYS = 7
CERTIFICATE_NEAR_DAYS = 60
REPORT_EVENT_DAYS = 7  # a returned or approved report is told about for a week after the event


def _station_heads(station_ids):
    heads = defaultdict(list)
    for staff in Staff.objects.active().filter(station_id__in=set(station_ids), role=Role.STATION_HEAD).select_related(
            "user"):
        heads[staff.station_id].append(staff.user)
    return heads


def _deliver(kind, candidates, model):
    """Write the notifications of ``candidates`` — (user, record pk, key, title, url) — for the
    users who can see their record; an existing (user, key) is left alone. Returns how many
    were written."""
    by_user = defaultdict(list)
    for user, pk, key, title, url in candidates:
        if user is not None and user.is_active:
            by_user[user].append((pk, key, title, url))
    rows = []
    for user, items in by_user.items():
        visible = set(model.objects.visible_to(user).filter(pk__in={pk for pk, *_ in items})
                      .values_list("pk", flat=True))
        rows += [Notification(user=user, kind=kind, key=key[:80], title=title[:200], url=url)
                 for pk, key, title, url in items if pk in visible]
    if not rows:
        return 0
    existing = set(Notification.objects.filter(user__in=list(by_user), key__in={r.key for r in rows})
                   .values_list("user_id", "key"))
    fresh = [row for row in rows if (row.user_id, row.key) not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def follow_ups_due(today=None):
    """Open follow-ups due today or overdue: to the follow-up's worker (else the client's)."""
    today = today or timezone.localdate()
    candidates = []
    rows = (FollowUp.objects.open().filter(due_on__lte=today)
            .select_related("client", "worker__user", "client__worker__user"))
    for follow_up in rows:
        worker = follow_up.worker or follow_up.client.worker
        if worker is None:
            continue
        title = _("Follow-up due %(date)s: %(name)s") % {"date": follow_up.due_on.isoformat(),
                                                        "name": follow_up.client.name}
        candidates.append((worker.user, follow_up.pk, f"followup:{follow_up.pk}:{follow_up.due_on}", title,
                           follow_up.get_absolute_url()))
    return _deliver(NotificationKind.FOLLOW_UP_DUE, candidates, FollowUp)


def high_risk_overdue(today=None):
    """Active high-risk clients overdue for a visit: to the responsible worker, else the station head."""
    today = today or timezone.localdate()
    clients = list(Client.objects.active().filter(risk_level=RiskLevel.HIGH, next_visit_due__lt=today)
                   .select_related("worker__user"))
    heads = _station_heads(c.station_id for c in clients if c.worker_id is None)
    candidates = []
    for client in clients:
        users = [client.worker.user] if client.worker_id else heads.get(client.station_id, [])
        title = _("High-risk client %(name)s is overdue for a visit (due %(date)s)") % {
            "name": client.name, "date": client.next_visit_due.isoformat()}
        for user in users:
            candidates.append((user, client.pk, f"highrisk:{client.pk}:{client.next_visit_due}", title,
                               client.get_absolute_url()))
    return _deliver(NotificationKind.HIGH_RISK_OVERDUE, candidates, Client)


def dispatches_due(today=None):
    """Open dispatches near (within two days) or past their deadline: to the station head and
    whoever accepted it."""
    today = today or timezone.localdate()
    dispatches = list(Dispatch.objects.filter(status__in=sorted(DISPATCH_OPEN),
                                              deadline__lte=today + datetime.timedelta(days=DISPATCH_NEAR_DAYS))
                      .select_related("accepted_by__user"))
    heads = _station_heads(d.station_id for d in dispatches)
    written = 0
    for late in (False, True):
        candidates = []
        for dispatch in dispatches:
            if (dispatch.deadline < today) != late:
                continue
            users = {*heads.get(dispatch.station_id, [])}
            if dispatch.accepted_by_id:
                users.add(dispatch.accepted_by.user)
            title = (_("Dispatch past its deadline (%(date)s): %(title)s") if late
                     else _("Dispatch due %(date)s: %(title)s")) % {"date": dispatch.deadline.isoformat(),
                                                                     "title": dispatch.title}
            key = f"dispatch-{'late' if late else 'near'}:{dispatch.pk}:{dispatch.deadline}"
            candidates += [(user, dispatch.pk, key, title, dispatch.get_absolute_url()) for user in users]
        written += _deliver(NotificationKind.DISPATCH_LATE if late else NotificationKind.DISPATCH_NEAR, candidates,
                            Dispatch)
    return written


def monthly_reports_decided(today=None):
    """Monthly reports returned by the center or approved by the bureau in the last week: to the
    station's head(s) and whoever submitted it."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=REPORT_EVENT_DAYS),
                                                          datetime.time.min))
    events = list(MonthlyReportEvent.objects.filter(
        action__in=[MonthlyReportAction.RETURN, MonthlyReportAction.APPROVE], at__gte=since)
        .select_related("report__station", "report__submitted_by"))
    heads = _station_heads(e.report.station_id for e in events)
    written = 0
    for action, kind in ((MonthlyReportAction.RETURN, NotificationKind.REPORT_RETURNED),
                         (MonthlyReportAction.APPROVE, NotificationKind.REPORT_APPROVED)):
        candidates = []
        for event in events:
            if event.action != action:
                continue
            report = event.report
            users = {*heads.get(report.station_id, [])}
            if report.submitted_by is not None:
                users.add(report.submitted_by)
            values = {"month": f"{report.month:%Y-%m}", "comment": event.comment}
            title = (_("Monthly report %(month)s returned: %(comment)s") if action == MonthlyReportAction.RETURN
                     else _("Monthly report %(month)s approved")) % values
            candidates += [(user, report.pk, f"report:{event.pk}", title, report.get_absolute_url())
                           for user in users]
        written += _deliver(kind, candidates, MonthlyReport)
    return written


def rectifications_due(today=None):
    """Rectification items not done whose deadline is within a week or past: to the owner, else
    the station head."""
    today = today or timezone.localdate()
    items = list(RectificationItem.objects.exclude(status=RectificationStatus.DONE)
                 .filter(deadline__lte=today + datetime.timedelta(days=RECTIFICATION_NEAR_DAYS))
                 .select_related("evaluation", "owner__user"))
    heads = _station_heads(item.evaluation.station_id for item in items if item.owner_id is None)
    candidates = []
    for item in items:
        users = [item.owner.user] if item.owner_id else heads.get(item.evaluation.station_id, [])
        title = _("Rectification due %(date)s: %(what)s") % {"date": item.deadline.isoformat(),
                                                            "what": item.description}
        candidates += [(user, item.pk, f"rectification:{item.pk}:{item.deadline}", title, item.get_absolute_url())
                       for user in users]
    return _deliver(NotificationKind.RECTIFICATION_DUE, candidates, RectificationItem)


def plan_reviews_due(today=None):
    """Goals of open cases' plans, not yet met, whose review date is within a week or past: to
    the case manager."""
    today = today or timezone.localdate()
    goals = (CaseGoal.objects.filter(met_on__isnull=True,
                                     review_on__lte=today + datetime.timedelta(days=PLAN_REVIEW_NEAR_DAYS))
             .exclude(case__stage=CaseStage.CLOSED).select_related("case__manager__user"))
    candidates = []
    for goal in goals:
        title = _("Case-plan review due %(date)s: %(case)s · %(goal)s") % {
            "date": goal.review_on.isoformat(), "case": goal.case.title, "goal": goal.description}
        candidates.append((goal.case.manager.user, goal.pk, f"goal-review:{goal.pk}:{goal.review_on}", title,
                           goal.case.get_absolute_url()))
    return _deliver(NotificationKind.PLAN_REVIEW_DUE, candidates, CaseGoal)


def certificates_expiring(today=None):
    """Certificates lapsing within 60 days (or lapsed): to the holder and their station head."""
    today = today or timezone.localdate()
    certificates = list(Certificate.objects.filter(
        expires_on__isnull=False, expires_on__lte=today + datetime.timedelta(days=CERTIFICATE_NEAR_DAYS))
        .filter(Q(staff__active_to__isnull=True) | Q(staff__active_to__gte=today)).select_related("staff__user"))
    heads = _station_heads(c.staff.station_id for c in certificates if c.staff.station_id)
    candidates = []
    for certificate in certificates:
        users = {certificate.staff.user, *heads.get(certificate.staff.station_id, [])}
        title = _("Certificate of %(name)s valid until %(date)s: %(certificate)s") % {
            "name": certificate.staff.name, "date": certificate.expires_on.isoformat(), "certificate": certificate}
        url = certificate.staff.get_absolute_url()
        candidates += [(user, certificate.pk, f"certificate:{certificate.pk}:{certificate.expires_on}", title, url)
                       for user in users]
    return _deliver(NotificationKind.CERTIFICATE_EXPIRING, candidates, Certificate)


PRODUCERS = (follow_ups_due, high_risk_overdue, dispatches_due, monthly_reports_decided, rectifications_due,
             plan_reviews_due, certificates_expiring)


def daily_digest(today=None, email=None):
    """One e-mail per user of their unread, not yet e-mailed notifications (only with
    ``settings.NOTIFICATION_EMAIL`` on, or ``email=True``, and a user address); each is marked
    e-mailed, so a second run sends nothing more. Returns {user id: notifications in the digest}."""
    email = getattr(settings, "NOTIFICATION_EMAIL", False) if email is None else email
    pending = defaultdict(list)
    for notification in (Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
                         .select_related("user").order_by("user_id", "created_at", "id")):
        pending[notification.user].append(notification)
    sent = {}
    if not email:
        return sent
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    for user, notifications in pending.items():
        if not user.email or not user.is_active:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            lines = [f"· {n.title}\n  {base}{n.url}" for n in notifications]
            send_mail(_("Social Work Station Portal: %(count)d notifications") % {"count": len(notifications)}, "\n".join(lines),
                      None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        sent[user.pk] = len(notifications)
    return sent


def run_daily(today=None):
    """Every producer, then the digest: what the daily schedule runs. Returns the counts."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        counts = {producer.__name__: producer(today) for producer in PRODUCERS}
    counts["digest"] = len(daily_digest(today))
    return counts
