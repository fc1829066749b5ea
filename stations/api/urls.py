from .views import CertificateViewSet, OrganisationViewSet, StaffViewSet, StationViewSet

routes = [
    ("stations", StationViewSet, "station"),
    ("organisations", OrganisationViewSet, "organisation"),
    ("staff", StaffViewSet, "staff"),
    ("certificates", CertificateViewSet, "certificate"),
]
