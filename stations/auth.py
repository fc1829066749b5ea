"""Accounts: role permissions, password policy, session lifetimes (SECURITY.md)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .roles import permissions_for


class RoleBackend(ModelBackend):
    """Permissions come from the user's role (``stations.roles``), not from per-user rows."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        staff = getattr(user, "staff", None)
        return user.is_superuser or (staff is not None and staff.is_active)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        staff = getattr(user_obj, "staff", None)
        if staff is None or not staff.is_active:
            return set()
        return set(permissions_for(staff.role))


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Mix at least three of: lower-case letters, upper-case letters, digits and symbols.")


class SessionTimeoutMiddleware:
    """Ends a session after 30 idle minutes or 12 hours after login, whichever comes first."""

    TOUCH_EVERY = 60  # seconds; avoids a session write on every request

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated and session.session_key:
            now = int(time.time())
            last_seen = session.get("last_seen", now)
            login_at = session.get("login_at", now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired. Please log in again.")}, status=401)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.TOUCH_EVERY or "last_seen" not in session:
                session["last_seen"] = now
                session.setdefault("login_at", now)
        return self.get_response(request)
