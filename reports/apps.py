from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import navigation, roles  # noqa: F401  (registers menu entries and role grants)
        from .receivers import connect

        connect()  # keeps the figures rollup in step with the records it counts

        from services.hooks import set_monthly_figures

        from .links import monthly_report_figures

        set_monthly_figures(monthly_report_figures)  # the figures on a monthly report's page

        from clients.hooks import set_visited_clients

        from .figures import visited_clients

        set_visited_clients(visited_clients)  # the people behind a visited-by-category figure
