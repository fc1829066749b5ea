from .views import ClientViewSet, HouseholdViewSet

routes = [
    ("clients", ClientViewSet, "client"),
    ("households", HouseholdViewSet, "household"),
]
