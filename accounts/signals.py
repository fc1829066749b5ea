from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
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
