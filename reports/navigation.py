"""Menu entries of the reports app (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

from .exports.jobs import VisitDetailExport

register(
    MenuItem("reports", _("Bulletins and annual reports"), "reports:index", None, "file-earmark-spreadsheet", 50),
    MenuItem("reports", _("Large exports"), "reports:export_list", VisitDetailExport.permission, "cloud-download", 60),
)
