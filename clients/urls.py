from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="client_list"),
    path("add/", views.ClientEditView.as_view(), name="client_add"),
    path("<int:pk>/", views.ClientDetailView.as_view(), name="client_detail"),
    path("<int:pk>/edit/", views.ClientEditView.as_view(), name="client_edit"),
    path("<int:pk>/close/", views.ClientCloseView.as_view(), name="client_close"),
    path("<int:pk>/reveal/", views.ClientRevealView.as_view(), name="client_reveal"),
    path("<int:pk>/categories/add/", views.CategoryAddView.as_view(), name="category_add"),
    path("categories/<int:pk>/end/", views.CategoryEndView.as_view(), name="category_end"),
    path("<int:pk>/assessments/add/", views.AssessmentAddView.as_view(), name="assessment_add"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/add/", views.HouseholdEditView.as_view(), name="household_add"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/members/", views.HouseholdMemberAddView.as_view(), name="household_member_add"),
    path("visit-intervals/", views.VisitIntervalListView.as_view(), name="visitinterval_list"),
    path("policy-categories/", views.PolicyCategoryListView.as_view(), name="policycategory_list"),
    path("policy-categories/add/", views.PolicyCategoryEditView.as_view(), name="policycategory_add"),
    path("policy-categories/<int:pk>/edit/", views.PolicyCategoryEditView.as_view(), name="policycategory_edit"),
    path("visit-intervals/add/", views.VisitIntervalEditView.as_view(), name="visitinterval_add"),
    path("visit-intervals/<int:pk>/edit/", views.VisitIntervalEditView.as_view(), name="visitinterval_edit"),
    path("screening/", views.ScreeningCampaignListView.as_view(), name="screeningcampaign_list"),
    path("screening/add/", views.ScreeningCampaignEditView.as_view(), name="screeningcampaign_add"),
    path("screening/<int:pk>/", views.ScreeningCampaignDetailView.as_view(), name="screeningcampaign_detail"),
    path("screening/<int:pk>/edit/", views.ScreeningCampaignEditView.as_view(), name="screeningcampaign_edit"),
    path("screening/<int:pk>/stations/<int:station>/", views.ScreeningStationView.as_view(),
         name="screening_station"),
    path("screening/<int:pk>/clients/<int:client>/", views.ScreeningRecordEditView.as_view(),
         name="screening_record"),
    path("import/", views.RosterImportView.as_view(), name="roster_import"),
    path("import/jobs/<int:pk>/", views.RosterJobView.as_view(), name="roster_job"),
    path("import/<str:token>/", views.RosterPreviewView.as_view(), name="roster_preview"),
    path("import/<str:token>/commit/", views.RosterCommitView.as_view(), name="roster_commit"),
    path("import/<str:token>/errors.xlsx", views.RosterErrorSheetView.as_view(), name="roster_errors"),
]
