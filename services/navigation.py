"""Menu entries of the services app (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("work", _("My day"), "services:my_day", "services.add_visit", "sun", 10),
    MenuItem("work", _("Log visits"), "services:visit_add", "services.add_visit", "door-open", 20),
    MenuItem("work", _("Follow-ups"), "services:followup_list", "services.view_followup", "calendar-plus", 25),
    # the installable app's page that works with no network (issue 17)
    MenuItem("work", _("Offline work"), "services:offline", "services.add_visit", "cloud-slash", 26),
    MenuItem("work", _("Dispatched tasks"), "services:dispatch_list", "services.view_dispatch", "send", 30),
    MenuItem("work", _("Monthly reports"), "services:monthlyreport_list", "services.view_monthlyreport",
             "calendar-check", 40),
    MenuItem("services", _("Visits"), "services:visit_list", "services.view_visit", "door-open", 10),
    MenuItem("services", _("Cases"), "services:case_list", "services.view_case", "folder2-open", 20),
    MenuItem("services", _("Groups"), "services:group_list", "services.view_group", "people", 30),
    MenuItem("services", _("Community activities"), "services:activity_list", "services.view_activity",
             "calendar-event", 40),
    MenuItem("services", _("Resource links"), "services:resourcelink_list", "services.view_resourcelink", "gift", 50),
    MenuItem("services", _("Open needs"), "services:open_needs", "services.view_visit", "link-45deg", 55),
    MenuItem("services", _("Referrals"), "services:referral_list", "services.view_referral", "signpost-split", 60),
    MenuItem("services", _("Volunteers"), "services:volunteer_list", "services.view_volunteer", "person-hearts", 70),
    MenuItem("services", _("Volunteer service"), "services:volunteerservice_list", "services.view_volunteerservice",
             "stopwatch", 75),
    MenuItem("services", _("Campaign tags"), "services:campaigntag_list", "services.view_campaigntag", "tags", 90),
)
