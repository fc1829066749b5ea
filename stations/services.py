"""Writes of the organisation layer: staff accounts and stations."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from portal.locking import check_not_changed_since, locked_save

from .choices import STATION_ROLES, Role
from .models import Certificate, Organisation, Region, ServicePoint, Staff, Station
from .scoping import governed_county_ids

# --- What an administrator governs -------------------------------------------------------
# A county bureau administrator governs their county: organisations they create or edit sit in
# it, and staff whose reach comes from their organisation (every role but the station ones,
# whose scope is their station) belong to an organisation of it. Otherwise a PATCH of the
# bureau's region to the city, or a new "bureau staff" account in a city-level provider, would
# give a county user the whole city.

def governed_regions(user):
    """The regions an organisation of ``user``'s making may sit in (superuser: all)."""
    counties = governed_county_ids(user)
    regions = Region.objects.all()
    return regions if counties is None else regions.filter(pk__in=sorted(counties))


def reach_errors(user, *, region=None, current_region_id=None, organisation=None, role=None):
    """{field: message} for each thing outside what ``user`` governs (empty when all is within):
    an organisation's new ``region`` or its ``current_region_id`` (editing a body above the
    county), a staff member's ``organisation`` for a ``role`` that takes its reach from it."""
    counties = governed_county_ids(user)
    if counties is None:
        return {}
    errors = {}
    if current_region_id is not None and current_region_id not in counties:
        errors["region"] = _("This organisation is registered above or outside your county; "
                             "the administrator of its region edits it.")
    elif region is not None and region.pk not in counties:
        errors["region"] = _("Choose your own county: an organisation you manage cannot sit above or outside it.")
    if organisation is not None and role and role not in STATION_ROLES and organisation.region_id not in counties:
        errors["organisation"] = _("Only station heads and social workers may belong to an organisation "
                                   "outside your county; choose an organisation of your county.")
    if role == Role.CITY_VIEWER:
        errors["role"] = _("Only a superuser gives the city viewer role.")
    return errors




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
    # ended, or withdrawn before its first day (active_to the day before active_from): disabled
    user.is_active = staff.active_to is None or timezone.localdate() <= staff.active_to >= staff.active_from
    user.save(update_fields=["first_name", "is_staff", "is_active"])
    if not user.is_active:
        Token.objects.filter(user=user).delete()
    return staff


def staff_deactivate(*, staff, on=None, by=None):
    """Disable an account: its sessions and API token stop working at once.

    The post's last day is yesterday (``on``); an account whose first day is today or later
    ends the day before it (never active), rather than before its own start. ``by`` (the user
    acting) cannot disable their own account."""
    if by is not None and staff.user_id == by.pk:
        raise ValidationError(_("You cannot disable your own account."))
    last_day = on or timezone.localdate() - timezone.timedelta(days=1)
    last_day = max(last_day, staff.active_from - timezone.timedelta(days=1))
    return staff_update(staff=staff, active_to=last_day)


def staff_set_password(*, staff, password):
    password_validation.validate_password(password, staff.user)
    staff.user.set_password(password)
    staff.user.save(update_fields=["password"])  # the API token goes with it (signals.password_changed)


@transaction.atomic
def station_save(*, station: Station, expected=None):
    return locked_save(station, expected=expected)


@transaction.atomic
def organisation_save(*, organisation: Organisation, expected=None):
    return locked_save(organisation, expected=expected)


@transaction.atomic
def certificate_save(*, certificate: Certificate, expected=None):
    """Record or correct a worker's qualification certificate (社会工作者职业资格证书)."""
    check_not_changed_since(model=Certificate, pk=certificate.pk, expected=expected)
    certificate.full_clean()
    if certificate.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The date cannot be in the future.")})
    certificate.save()
    return certificate


@transaction.atomic
def service_point_save(*, point: ServicePoint, expected=None):
    """Set up or edit a village or community service point (村/社区社工室) of a station."""
    check_not_changed_since(model=ServicePoint, pk=point.pk, expected=expected)
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def service_point_deactivate(*, point: ServicePoint):
    """Close a service point: it stays on the records that name it, and is offered no more."""
    point = ServicePoint.objects.select_for_update().get(pk=point.pk)
    if not point.is_active:
        raise ValidationError(_("This service point is already inactive."))
    point.is_active = False
    point.save(update_fields=["is_active"])
    return point
