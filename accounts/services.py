"""Writes of the accounts layer: the access log, the notification inbox."""

from .models import AccessLog, Notification


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


def notification_read(*, notification, user):
    """Mark one of the user's notifications read (another user's is not theirs to mark)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if notification.user_id != user.pk:
        raise ValidationError("This notification is not yours.")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification


def notification_read_all(*, user):
    """Mark every unread notification of the user read; returns how many."""
    from django.utils import timezone

    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
