"""Menu entries of the reports' workbooks and exports (see stations.navigation)."""

from django.utils.translation import gettext_lazy as _

from stations.navigation import MenuItem, register

from .jobs import VisitDetailExport

register(
    MenuItem("reports", _("Bulletins and annual reports"), "reports:index", None, "file-earmark-spreadsheet", 50),
    MenuItem("reports", _("Large exports"), "reports:export_list", VisitDetailExport.permission, "cloud-download", 60),
)
