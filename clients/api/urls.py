from .views import ClientViewSet, HouseholdViewSet, ScreeningCampaignViewSet

routes = [
    ("clients", ClientViewSet, "client"),
    ("households", HouseholdViewSet, "household"),
    ("screening-campaigns", ScreeningCampaignViewSet, "screeningcampaign"),
]
