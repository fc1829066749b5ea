from .views import PartnerOfferingViewSet, PartnerViewSet

routes = [
    ("partners", PartnerViewSet, "partner"),
    ("partner-offerings", PartnerOfferingViewSet, "partneroffering"),
]
