from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("stations/", views.StationListView.as_view(), name="station_list"),
    path("stations/<int:pk>/", views.StationDetailView.as_view(), name="station_detail"),
    path("stations/add/", views.StationEditView.as_view(), name="station_add"),
    path("stations/<int:pk>/edit/", views.StationEditView.as_view(), name="station_edit"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/add/", views.OrganisationEditView.as_view(), name="organisation_add"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/add/", views.StaffEditView.as_view(), name="staff_add"),
    path("staff/<int:pk>/edit/", views.StaffEditView.as_view(), name="staff_edit"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"),
    path("certificates/add/", views.CertificateEditView.as_view(), name="certificate_add"),
    path("certificates/<int:pk>/edit/", views.CertificateEditView.as_view(), name="certificate_edit"),
    path("staff/<int:pk>/deactivate/", views.StaffDeactivateView.as_view(), name="staff_deactivate"),
    path("service-points/", views.ServicePointListView.as_view(), name="servicepoint_list"),
    path("service-points/<int:pk>/", views.ServicePointDetailView.as_view(), name="servicepoint_detail"),
    path("service-points/add/", views.ServicePointEditView.as_view(), name="servicepoint_add"),
    path("service-points/<int:pk>/edit/", views.ServicePointEditView.as_view(), name="servicepoint_edit"),
    path("service-points/<int:pk>/deactivate/", views.ServicePointDeactivateView.as_view(),
         name="servicepoint_deactivate"),
]
