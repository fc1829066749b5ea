from .views import OrganisationViewSet, StaffViewSet, StationViewSet

routes = [
    ("stations", StationViewSet, "station"),
    ("organisations", OrganisationViewSet, "organisation"),
    ("staff", StaffViewSet, "staff"),
]
