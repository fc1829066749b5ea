from .views import ClientViewSet, HouseholdViewSet, PolicyCategoryViewSet

routes = [
    ("clients", ClientViewSet, "client"),
    ("households", HouseholdViewSet, "household"),
    ("policy-categories", PolicyCategoryViewSet, "policycategory"),
]
