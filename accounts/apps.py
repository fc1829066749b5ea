from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users: login, lockout, the TOTP second factor, sessions, API tokens and the access log."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from portal.api import idempotency

        from . import auth, navigation, roles, signals  # noqa: F401  (2FA, menu, grants, login log)
        from .models import IdempotencyKey

        idempotency.set_key_model(IdempotencyKey)  # the API's Idempotency-Key store (the core has no models)
