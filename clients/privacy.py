"""Field-level privacy of the registry: who sees full ID numbers, phones and disability details.

ID numbers are masked for everybody in lists, exports and the API (only the six-digit area
code stays; the date of birth is shown only to the roles that may reveal the number, the others
see the age), so nothing shown lets the number be rebuilt; the full number is shown
only after an explicit, logged reveal (``client_reveal_id``) by a role that works with the
person (their station's head and workers, the bureau administrator). Phones are full for
the same roles, who call people; disability type and grade are shown to them and to the
guidance center, and masked for read-only county and city viewers.
"""

from accounts.models import AccessLog
from portal.scoping import scope_for
from stations.choices import Role
from stations.privacy import FULL_PHONE_ROLES, mask_phone, phone_for  # noqa: F401 (one masking for every phone)

from . import idnumbers

REVEAL_ID_ROLES = frozenset({Role.STATION_HEAD, Role.SOCIAL_WORKER, Role.BUREAU_ADMIN})
DISABILITY_ROLES = frozenset({Role.STATION_HEAD, Role.SOCIAL_WORKER, Role.BUREAU_ADMIN, Role.CENTER_SUPERVISOR})
MASK = "****"


def _role(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return "superuser"
    staff = getattr(user, "staff", None)
    return staff.role if staff is not None else None


def _allowed(user, roles):
    role = _role(user)
    return role == "superuser" or role in roles


def mask_id(number):
    return idnumbers.mask(number or "")


def sees_disability(user):
    return _allowed(user, DISABILITY_ROLES)


def sees_birth_date(user):
    """Roles that may reveal the ID number see the date of birth; the others see the age only
    (the birth date is eight of the number's eighteen characters)."""
    return _allowed(user, REVEAL_ID_ROLES)


def can_reveal_id(user, client):
    return _allowed(user, REVEAL_ID_ROLES) and scope_for(user).allows_station(client.station_id)


def log_refused_reveal(*, request, client):
    from accounts.services import access_log_record

    access_log_record(request=request, action=AccessLog.Action.REVEAL, obj=client, result="denied")


def client_reveal_id(*, request, client):
    """The full ID number, logged as a reveal; PermissionDenied for roles that may not."""
    from django.core.exceptions import PermissionDenied

    from accounts.services import access_log_record

    if not can_reveal_id(request.user, client):
        log_refused_reveal(request=request, client=client)
        raise PermissionDenied
    access_log_record(request=request, action=AccessLog.Action.REVEAL, obj=client,
                      object_repr=f"{client.name} {mask_id(client.id_number)}")
    return client.id_number


def log_child_view(*, request, client):
    """Every opening of the record of a person under 18 is logged (user, time, IP)."""
    from accounts.services import access_log_record

    if client.is_child:
        access_log_record(request=request, action=AccessLog.Action.VIEW, obj=client,
                          object_repr=f"{client.name} {mask_id(client.id_number)}")
