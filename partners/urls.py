from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerListView.as_view(), name="partner_list"),
    path("<int:pk>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("add/", views.PartnerEditView.as_view(), name="partner_add"),
    path("<int:pk>/edit/", views.PartnerEditView.as_view(), name="partner_edit"),
    path("<int:pk>/deactivate/", views.PartnerDeactivateView.as_view(), name="partner_deactivate"),
    path("<int:partner_pk>/offerings/add/", views.PartnerOfferingEditView.as_view(), name="partneroffering_add"),
    path("offerings/<int:pk>/edit/", views.PartnerOfferingEditView.as_view(), name="partneroffering_edit"),
]
