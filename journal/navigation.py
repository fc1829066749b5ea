"""Menu entries of the journal (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(MenuItem("reports", _("Journal 《浚县社工》"), "journal:issue_list", "journal.view_issue", "journal-text", 55))
