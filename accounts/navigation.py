from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("organisation", _("Access log"), "accounts:accesslog_list", "accounts.view_accesslog", "journal-text", 90),
)
