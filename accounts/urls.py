from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("access-log/", views.AccessLogListView.as_view(), name="accesslog_list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("notifications/bell/", views.NotificationBellView.as_view(), name="notification_bell"),
    path("notifications/<int:pk>/", views.NotificationOpenView.as_view(), name="notification_open"),
]
