from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from portal.access import accessed

from .models import AccessLog
from .services import access_log_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    import time

    request.session["login_at"] = request.session["last_seen"] = int(time.time())
    access_log_record(request=request, action=AccessLog.Action.LOGIN, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(request=request, action=AccessLog.Action.LOGOUT, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    access_log_record(
        request=request, action=AccessLog.Action.LOGIN_FAILED, username=credentials.get("username", ""), result="failed"
    )


@receiver(accessed)
def _accessed(sender, request, action, obj=None, object_repr="", result="ok", **kwargs):
    access_log_record(request=request, action=action, obj=obj, object_repr=object_repr, result=result)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def revoke_token_on_password_change(sender, instance, update_fields=None, **kwargs):
    """A new password revokes the account's API token (SECURITY.md), whichever way it was set:
    the staff form, the password-change page, the admin, ``changepassword``."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    from rest_framework.authtoken.models import Token

    old = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
