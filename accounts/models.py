from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
