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
