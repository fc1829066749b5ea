from .views import NotificationViewSet

routes = [
    ("notifications", NotificationViewSet, "notification"),
]
