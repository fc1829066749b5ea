from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("access-log/", views.AccessLogListView.as_view(), name="accesslog_list"),
]
