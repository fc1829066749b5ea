from django.urls import path, re_path

from . import views

app_name = "journal"

FMT = r"(?P<fmt>pdf|docx)"

# Under /reports/ (config/urls.py), beside the bulletin and the annual workbook.
urlpatterns = [
    path("journal/", views.IssueListView.as_view(), name="issue_list"),
    path("journal/add/", views.IssueDraftView.as_view(), name="issue_add"),
    path("journal/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("journal/<int:pk>/edit/", views.IssueEditView.as_view(), name="issue_edit"),
    re_path(rf"^journal/(?P<pk>\d+)/issue\.{FMT}$", views.IssueFileView.as_view(), name="issue_file"),
    path("journal/<int:pk>/<str:what>/", views.issue_action, name="issue_action"),
    re_path(rf"^journal/(?P<month>\d{{4}}-\d{{2}})\.{FMT}$", views.IssueFileView.as_view(), name="issue_month_file"),
    path("journal/highlights/", views.HighlightListView.as_view(), name="highlight_list"),
    path("journal/highlights/<int:pk>/", views.HighlightDetailView.as_view(), name="highlight_detail"),
    path("journal/highlights/<int:pk>/edit/", views.HighlightEditView.as_view(), name="highlight_edit"),
    re_path(rf"^annual/(?P<year>\d{{4}})\.{FMT}$", views.AnnualFileView.as_view(), name="annual_file"),
]
