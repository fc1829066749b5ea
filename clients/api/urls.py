from .views import (
    ClientViewSet,
    HouseholdViewSet,
    PolicyCategoryViewSet,
    ScreeningCampaignViewSet,
    VisitIntervalViewSet,
)

routes = [
    ("clients", ClientViewSet, "client"),
    ("households", HouseholdViewSet, "household"),
    ("screening-campaigns", ScreeningCampaignViewSet, "screeningcampaign"),
    ("visit-intervals", VisitIntervalViewSet, "visitinterval"),
    ("policy-categories", PolicyCategoryViewSet, "policycategory"),
]
