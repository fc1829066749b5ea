from django.urls import path

from .views import DashboardView

# The dashboard also answers at "/" (config/urls.py, name "home").
urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
]
