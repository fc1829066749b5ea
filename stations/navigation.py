from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("organisation", _("Stations"), "stations:station_list", "stations.view_station", "house-heart", 10),
    MenuItem("organisation", _("Service points"), "stations:servicepoint_list", "stations.view_servicepoint",
             "geo-alt", 15),
    MenuItem("organisation", _("Staff"), "stations:staff_list", "stations.view_staff", "people", 20),
    MenuItem("organisation", _("Certificates"), "stations:certificate_list", "stations.view_certificate",
             "patch-check", 25),
    MenuItem("organisation", _("Organisations"), "stations:organisation_list", "stations.view_organisation", "building", 30),
)
