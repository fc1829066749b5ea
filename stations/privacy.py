"""Phones of people (clients, village liaisons, volunteers): full for the roles that call them
(the station's head and workers, the bureau administrator), masked (138****1234) for the rest.
``clients.privacy`` and every list of people use these, so a phone is masked alike everywhere."""

from .choices import Role

FULL_PHONE_ROLES = frozenset({Role.STATION_HEAD, Role.SOCIAL_WORKER, Role.BUREAU_ADMIN})


def role_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return "superuser"
    staff = getattr(user, "staff", None)
    return staff.role if staff is not None else None


def mask_phone(phone):
    """138****1234; short numbers keep only their last two digits."""
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def phone_for(user, phone):
    role = role_of(user)
    return phone if role == "superuser" or role in FULL_PHONE_ROLES else mask_phone(phone)
