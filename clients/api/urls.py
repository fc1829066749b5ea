from .views import ClientViewSet, HouseholdViewSet, ScreeningCampaignViewSet, VisitIntervalViewSet

routes = [
    ("clients", ClientViewSet, "client"),
    ("households", HouseholdViewSet, "household"),
    ("screening-campaigns", ScreeningCampaignViewSet, "screeningcampaign"),
    ("visit-intervals", VisitIntervalViewSet, "visitinterval"),
]
