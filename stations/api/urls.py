from .views import CertificateViewSet, OrganisationViewSet, RegionViewSet, StaffViewSet, StationViewSet

routes = [
    ("regions", RegionViewSet, "region"),
    ("stations", StationViewSet, "station"),
    ("organisations", OrganisationViewSet, "organisation"),
    ("staff", StaffViewSet, "staff"),
    ("certificates", CertificateViewSet, "certificate"),
]
