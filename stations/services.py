"""Writes of the organisation layer: staff accounts, stations, the access log."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .choices import STATION_ROLES, Role
from .models import AccessLog, Region, Staff, Station
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


# --- Optimistic locking ------------------------------------------------------------------
# An edit form carries the values the record had when it was opened (``record_state``); the
# save compares them with the row, locked, inside its transaction. If someone else saved in
# between, the save is refused with the fields that changed, never silently overwritten.


class ConcurrentEditError(ValidationError):
    """Someone else saved the record after it was opened; ``changes`` lists
    (field name, value when opened, value now) for every field they changed."""

    def __init__(self, changes, who=""):
        self.changes = changes
        messages = {}
        for name, _loaded, now in changes:
            messages[name] = [
                _("Changed by %(who)s after you opened this page; it is now: %(value)s") % {"who": who or _("someone else"),
                                                                                           "value": now or "—"}
            ]
        super().__init__(messages)


def record_state(instance, field_names):
    """The record's values of ``field_names`` as strings (what an edit form started from)."""
    opts = instance._meta
    return {name: opts.get_field(name).value_to_string(instance) for name in field_names}


def _display(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def last_editor(instance):
    history = getattr(instance, "history", None)
    row = history.select_related("history_user__staff").order_by("-history_date").first() if history else None
    user = getattr(row, "history_user", None)
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    name = staff.name if staff is not None else user.get_username()
    return f"{name} ({timezone.localtime(row.history_date):%Y-%m-%d %H:%M})"


def concurrent_changes(instance, expected):
    """(field, value when opened, value now) of the fields whose stored value differs from
    ``expected``; ``instance`` is the current row."""
    if not expected:
        return []
    now = record_state(instance, expected.keys())
    return [(name, expected[name], _display(instance, name)) for name in expected if now[name] != expected[name]]


def check_not_changed_since(*, model, pk, expected):
    """Lock the row and refuse (``ConcurrentEditError``) if it changed since ``expected`` was read.
    Call inside the saving transaction."""
    if not expected or pk is None:
        return
    current = model._base_manager.select_for_update().get(pk=pk)
    changes = concurrent_changes(current, expected)
    if changes:
        raise ConcurrentEditError(changes, who=last_editor(current))


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


def staff_deactivate(*, staff, on=None):
    """Disable an account: its sessions and API token stop working at once.

    The post's last day is yesterday (``on``); an account whose first day is today or later
    ends the day before it (never active), rather than before its own start."""
    last_day = on or timezone.localdate() - timezone.timedelta(days=1)
    last_day = max(last_day, staff.active_from - timezone.timedelta(days=1))
    return staff_update(staff=staff, active_to=last_day)


def staff_set_password(*, staff, password):
    password_validation.validate_password(password, staff.user)
    staff.user.set_password(password)
    staff.user.save(update_fields=["password"])  # the API token goes with it (signals.password_changed)


@transaction.atomic
def station_save(*, station: Station, expected=None):
    check_not_changed_since(model=Station, pk=station.pk, expected=expected)
    station.full_clean()
    station.save()
    return station
