"""Menu entries of the partner ledger (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("services", _("Partners"), "partners:partner_list", "partners.view_partner", "diagram-3", 85),
)
