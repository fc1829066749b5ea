"""Menu entries of the clients app (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("clients", _("Registered clients"), "clients:client_list", "clients.view_client", "people", 10),
    MenuItem("clients", _("Visit worklist"), "clients:worklist", "clients.view_client", "alarm", 20),
    MenuItem("clients", _("Households"), "clients:household_list", "clients.view_household", "house", 30),
    MenuItem("clients", _("Screening campaigns"), "clients:screeningcampaign_list", "clients.view_screeningcampaign",
             "search", 40),
    MenuItem("clients", _("Roster import"), "clients:roster_import", "clients.add_client", "file-earmark-arrow-up",
             50),
    MenuItem("clients", _("Visit intervals"), "clients:visitinterval_list", "clients.view_visitinterval", "sliders",
             60),
    MenuItem("clients", _("Policy categories"), "clients:policycategory_list", "clients.view_policycategory",
             "bookmark-plus", 70),
)
