"""Plain paths under /api/v1/reports/ (the figures are not a model: no router)."""

from django.urls import path

from .views import AnnualFiguresView, MonthlyFiguresView

urlpatterns = [
    path("annual/", AnnualFiguresView.as_view(), name="reports_annual"),
    path("monthly/", MonthlyFiguresView.as_view(), name="reports_monthly"),
]
