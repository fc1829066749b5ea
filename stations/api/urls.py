from .views import (
    CertificateViewSet,
    OrganisationViewSet,
    RegionViewSet,
    ServicePointViewSet,
    StaffViewSet,
    StationViewSet,
)

routes = [
    ("regions", RegionViewSet, "region"),
    ("stations", StationViewSet, "station"),
    ("organisations", OrganisationViewSet, "organisation"),
    ("staff", StaffViewSet, "staff"),
    ("certificates", CertificateViewSet, "certificate"),
    ("service-points", ServicePointViewSet, "servicepoint"),
]
