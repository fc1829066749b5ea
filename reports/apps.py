from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import navigation, roles  # noqa: F401  (registers menu entries and role grants)
        from .receivers import connect

        connect()  # keeps the figures rollup in step with the records it counts
