"""Accounts: role permissions, password policy, session lifetimes, the TOTP second factor
(SECURITY.md "Accounts and sessions")."""

import base64
import datetime
import time

from django import forms
from django.conf import settings
from django.contrib.auth import logout, password_validation
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from portal.roles import permissions_for
from stations.choices import Role


class RoleBackend(ModelBackend):
    """Permissions come from the user's role (``stations.roles``), not from per-user rows."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        staff = getattr(user, "staff", None)
        return user.is_superuser or (staff is not None and staff.is_active)

    def get_user(self, user_id):
        """The request's user with its staff record, organisation, region and station in the
        same query: the scope and the role permissions of every request need them."""
        from django.contrib.auth import get_user_model

        try:
            user = get_user_model()._default_manager.select_related(
                "staff__organisation__region", "staff__station").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        staff = getattr(user_obj, "staff", None)
        if staff is None or not staff.is_active:
            return set()
        return set(permissions_for(staff.role))


class ProxyClientIPMiddleware:
    """Behind nginx, REMOTE_ADDR is the proxy's: take the client's address from
    X-Forwarded-For at the depth of PROXY_COUNT trusted proxies, so that the access log, the
    audit history and the lockout all record the user's own IP."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.depth = settings.PROXY_COUNT

    def __call__(self, request):
        if self.depth:
            forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
            if len(forwarded) >= self.depth:
                request.META["REMOTE_ADDR"] = forwarded[-self.depth]
        return self.get_response(request)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message the Chinese interface translates: Django 5.2 changed
    its msgid to ``%d`` while its own zh_Hans catalogue still holds the old ``%(min_length)d``,
    so "This password is too short" stayed English (issue 22)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


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


# --- Second factor (TOTP) -------------------------------------------------------------------
# Log entries keep one searchable label whatever the language of the request.
SECOND_FACTOR_LOG_LABEL = "TOTP second factor"
# The decision is taken once, at login, and kept in the session, so that ordinary requests
# cost no extra query. Until the code is given, the session reaches only the 2FA pages.

OTP_PENDING = "otp_pending"
OTP_EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/")


def second_factor_required(user):
    """A user with a confirmed authenticator must use it; with REQUIRE_ADMIN_2FA, bureau
    admins and superusers must have one."""
    from django_otp import user_has_device

    if user_has_device(user, confirmed=True):
        return True
    if not settings.REQUIRE_ADMIN_2FA:
        return False
    staff = getattr(user, "staff", None)
    return user.is_superuser or (staff is not None and staff.role == Role.BUREAU_ADMIN)


@receiver(user_logged_in, dispatch_uid="accounts.auth.second_factor_on_login")
def _second_factor_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if second_factor_required(user) and not getattr(user, "otp_device", None):
        request.session[OTP_PENDING] = True
    else:
        request.session.pop(OTP_PENDING, None)


class SecondFactorMiddleware:
    """Sends a session that still owes its one-time code to the 2FA pages (API: 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(OTP_PENDING)
            and request.user.is_authenticated
            and not request.path.startswith(OTP_EXEMPT_PREFIXES)
        ):
            if request.user.is_verified():
                session.pop(OTP_PENDING, None)
            elif request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Enter the code of your authenticator app first.")}, status=403)
            else:
                from django_otp import user_has_device

                name = "otp_verify" if user_has_device(request.user, confirmed=True) else "otp_setup"
                return redirect_to_login(request.get_full_path(), reverse(name))
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("6-digit code"), regex=r"^\s*\d{6}\s*$", max_length=10,
        error_messages={"invalid": gettext_lazy("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "one-time-code",
                                      "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class _SecondFactorView(LoginRequiredMixin, FormView):
    form_class = TokenForm

    def get_success_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return settings.LOGIN_REDIRECT_URL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next") or ""
        return context

    def _verified(self, device):
        import django_otp

        from .models import AccessLog
        from .services import access_log_record

        django_otp.login(self.request, device)
        self.request.session.pop(OTP_PENDING, None)
        access_log_record(request=self.request, action=AccessLog.Action.LOGIN, object_repr=SECOND_FACTOR_LOG_LABEL)
        return HttpResponseRedirect(self.get_success_url())

    def _rejected(self, form):
        from .models import AccessLog
        from .services import access_log_record

        access_log_record(request=self.request, action=AccessLog.Action.LOGIN_FAILED,
                          object_repr=SECOND_FACTOR_LOG_LABEL, result="failed")
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        return self.form_invalid(form)


class SecondFactorVerifyView(_SecondFactorView):
    """Asks for the current code of the user's authenticator app after the password."""

    template_name = "registration/otp_verify.html"

    def form_valid(self, form):
        from django_otp import match_token

        device = match_token(self.request.user, form.cleaned_data["token"])
        return self._verified(device) if device is not None else self._rejected(form)


class SecondFactorSetupView(_SecondFactorView):
    """Enrols an authenticator app: a QR code (SVG drawn on the server) and the secret, then
    the first code confirms it. Enrolling again replaces the previous authenticator."""

    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Replacing an authenticator needs the current one first: a password alone is not enough.
        if request.user.is_authenticated and self._has_confirmed() and not request.user.is_verified():
            return redirect_to_login(request.get_full_path(), reverse("otp_verify"))
        return super().dispatch(request, *args, **kwargs)

    def _device(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).order_by("-pk").first()
        return device or TOTPDevice.objects.create(user=self.request.user, name=_("authenticator app"),
                                                   confirmed=False)

    def get_context_data(self, **kwargs):
        import qrcode
        import qrcode.image.svg

        context = super().get_context_data(**kwargs)
        device = self._device()
        svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string()
        context.update(
            # an <img> with a data: URI: no inline style or script for the CSP to refuse
            qr_data_uri="data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
            secret=base64.b32encode(device.bin_key).decode(),
            enrolled=self._has_confirmed(),
        )
        return context

    def _has_confirmed(self):
        from django_otp import user_has_device

        return user_has_device(self.request.user, confirmed=True)

    def form_valid(self, form):
        from django.db import transaction

        device = self._device()
        if not device.verify_token(form.cleaned_data["token"]):
            return self._rejected(form)
        with transaction.atomic():
            type(device).objects.filter(user=self.request.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        return self._verified(device)


# --- API tokens and the second factor ---------------------------------------------------------
# A DRF token is issued on the password alone and is then sent instead of a session, so it
# would open the API around the one-time code. The rule: an account that must pass the second
# factor (``second_factor_required``: an enrolled authenticator, or an administrator under
# REQUIRE_ADMIN_2FA) neither gets a token nor authenticates with one; it reaches the API through
# its verified web session. Tokens are for station-side integration accounts.

def token_refused_message():
    return _("This account must confirm logins with an authenticator app, so it cannot use an API "
             "token. Log in on the web and enter your code, or use an account without a second factor "
             "for integrations.")


def token_expired(token):
    """API tokens live API_TOKEN_TTL_HOURS (default 30 days) from when they were issued."""
    hours = getattr(settings, "API_TOKEN_TTL_HOURS", 24 * 30)
    return token.created < timezone.now() - datetime.timedelta(hours=hours)


class SecondFactorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refused to accounts that must use the second factor."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            # the staff, organisation and station come along: scope and permissions need them
            token = model.objects.select_related(
                "user__staff__organisation__region", "user__staff__station").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
        user = token.user
        if not RoleBackend().user_can_authenticate(user):
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if second_factor_required(user):
            raise exceptions.AuthenticationFailed(token_refused_message())
        return user, token


NO_STORE_TYPES = ("application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class NoStoreMiddleware:
    """API answers and xlsx exports hold personal data: no browser or proxy keeps a copy
    (``Cache-Control: no-store``). Pages are left to Django's defaults; a view that set its
    own caching for such a response (none does) is overridden."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith(NO_STORE_TYPES) or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store, private"
        return response
