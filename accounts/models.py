from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scoping import Reach, ScopedQuerySet


class AccessLog(models.Model):
    """An entry of the access log (访问日志): logins, views of sensitive records, reveals, exports.

    Written only by ``access_log_record``; nobody edits or deletes it from the portal."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        VIEW = "view", _("View of a sensitive record")
        REVEAL = "reveal", _("Reveal of a full value")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record"), max_length=40, blank=True)
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=20, default="ok")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        db_table = "stations_accesslog"
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` one caller sent with a POST of the API, and the answer it got
    (``portal.api.idempotency``): a retry with the same key and body gets that answer again and
    writes nothing. Kept ``API_IDEMPOTENCY_TTL_HOURS`` (24 h); ``manage.py
    purge_idempotency_keys`` deletes older ones. Holds the answer's body (what the caller was
    shown, in its own scope), never shown to anyone else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    body = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_user_key_uniq")]

    def __str__(self):
        return f"{self.user_id} {self.key}"


class NotificationKind(models.TextChoices):
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    HIGH_RISK_OVERDUE = "high_risk_overdue", _("High-risk client overdue for a visit")
    DISPATCH_NEAR = "dispatch_near", _("Dispatch near its deadline")
    DISPATCH_LATE = "dispatch_late", _("Dispatch past its deadline")
    REPORT_RETURNED = "report_returned", _("Monthly report returned")
    REPORT_APPROVED = "report_approved", _("Monthly report approved")
    RECTIFICATION_DUE = "rectification_due", _("Rectification due")
    PLAN_REVIEW_DUE = "plan_review_due", _("Case-plan review due")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")


class Notification(models.Model):
    """An in-app notice for one user (the inbox behind the navbar's bell), linking to its record.

    Produced by the daily jobs of ``reports.notices`` only for a user who can see the record;
    ``key`` names what it is about, so a job run twice makes one notice per user and key."""

    reach = Reach(user="user")  # one's own notices only

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    key = models.CharField(_("about"), max_length=80)
    title = models.CharField(_("notice"), max_length=200)
    url = models.CharField(_("link"), max_length=200)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("sent by email at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url
