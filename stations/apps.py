from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Organisation")

    def ready(self):
        from . import auth, navigation, roles, signals  # noqa: F401  (registers menu, grants, login log, 2FA)
