"""Writes of the accounts layer: the access log."""

from .models import AccessLog


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(*, request, action, user=None, username="", obj=None, object_repr="", result="ok"):
    """Append one entry to the access log. Never raises into the request that caused it."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    staff = getattr(user, "staff", None) if user is not None else None
    return AccessLog.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        role=staff.role if staff is not None else ("superuser" if user is not None and user.is_superuser else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        result=result,
        ip=client_ip(request),
    )
