from django.urls import path

from .dashboard.views import DashboardView, PeopleServedView
from .exports import views as exports
from .workbooks import views as workbooks

app_name = "reports"

# Under /reports/; the dashboard also answers at "/" (config/urls.py, name "home").
urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("people-served/", PeopleServedView.as_view(), name="people_served"),
    path("", workbooks.ReportsIndexView.as_view(), name="index"),
    path("bulletin/<str:month>.xlsx", workbooks.BulletinView.as_view(), name="bulletin"),
    path("annual/<str:year>.xlsx", workbooks.AnnualWorkbookView.as_view(), name="annual_xlsx"),
    path("annual/<str:year>/", workbooks.AnnualView.as_view(), name="annual"),
    path("exports/", exports.ExportJobListView.as_view(), name="export_list"),
    path("exports/<int:pk>/progress/", exports.ExportJobProgressView.as_view(), name="export_progress"),
    path("exports/<int:pk>/download/", exports.ExportJobDownloadView.as_view(), name="export_download"),
    path("exports/<int:pk>/retry/", exports.ExportJobRetryView.as_view(), name="export_retry"),
]
