from django.urls import path

from . import export_views as views

# Under /reports/ (app "reports"): the bulletin, the annual report, the list of reports and
# the large background exports.
urlpatterns = [
    path("", views.ReportsIndexView.as_view(), name="index"),
    path("bulletin/<str:month>.xlsx", views.BulletinView.as_view(), name="bulletin"),
    path("annual/<str:year>.xlsx", views.AnnualWorkbookView.as_view(), name="annual_xlsx"),
    path("annual/<str:year>/", views.AnnualView.as_view(), name="annual"),
    path("exports/", views.ExportJobListView.as_view(), name="export_list"),
    path("exports/<int:pk>/progress/", views.ExportJobProgressView.as_view(), name="export_progress"),
    path("exports/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="export_download"),
]
