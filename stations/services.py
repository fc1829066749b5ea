"""Writes of the organisation layer: staff accounts and stations."""

from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal.locking import check_not_changed_since

from .choices import Role
from .models import Organisation, Staff, Station


@transaction.atomic
def staff_create(
    *, username, name, role, organisation, password, station=None, phone="", active_from=None, active_to=None
):
    """Create a login account and its post. The password must pass the password policy."""
    User = get_user_model()
    user = User(username=username, first_name=name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_staff = role == Role.BUREAU_ADMIN  # only bureau admins enter /admin/
    user.save()
    staff = Staff(
        user=user, name=name, role=role, organisation=organisation, station=station, phone=phone,
        active_from=active_from or timezone.localdate(), active_to=active_to,
    )
    staff.full_clean()
    staff.save()
    return staff


@transaction.atomic
def staff_update(*, staff, expected=None, **fields):
    """Change a post; ``expected`` (``record_state`` when the form was opened) guards
    against overwriting someone else's save."""
    check_not_changed_since(model=Staff, pk=staff.pk, expected=expected)
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
def station_save(*, station: Station, expected=None):
    check_not_changed_since(model=Station, pk=station.pk, expected=expected)
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def organisation_save(*, organisation: Organisation, expected=None):
    check_not_changed_since(model=Organisation, pk=organisation.pk, expected=expected)
    organisation.full_clean()
    organisation.save()
    return organisation
