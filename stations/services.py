"""Writes of the organisation layer: staff accounts, stations, the access log."""

from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .choices import Role
from .models import AccessLog, Staff, Station


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


@transaction.atomic
def staff_create(*, username, name, role, organisation, password, station=None, phone="", active_from=None):
    """Create a login account and its post. The password must pass the password policy."""
    User = get_user_model()
    user = User(username=username, first_name=name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_staff = role == Role.BUREAU_ADMIN  # only bureau admins enter /admin/
    user.save()
    staff = Staff(
        user=user, name=name, role=role, organisation=organisation, station=station, phone=phone,
        active_from=active_from or timezone.localdate(),
    )
    staff.full_clean()
    staff.save()
    return staff


@transaction.atomic
def staff_update(*, staff, **fields):
    for name, value in fields.items():
        setattr(staff, name, value)
    staff.full_clean()
    staff.save()
    user = staff.user
    user.first_name = staff.name
    user.is_staff = staff.role == Role.BUREAU_ADMIN
    user.is_active = staff.active_to is None or staff.active_to >= timezone.localdate()
    user.save(update_fields=["first_name", "is_staff", "is_active"])
    if not user.is_active:
        Token.objects.filter(user=user).delete()
    return staff


def staff_deactivate(*, staff, on=None):
    """Disable an account: its sessions and API token stop working at once."""
    return staff_update(staff=staff, active_to=on or timezone.localdate() - timezone.timedelta(days=1))


def staff_set_password(*, staff, password):
    password_validation.validate_password(password, staff.user)
    staff.user.set_password(password)
    staff.user.save(update_fields=["password"])


@transaction.atomic
def station_save(*, station: Station):
    station.full_clean()
    station.save()
    return station
