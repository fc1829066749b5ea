from django.urls import path

from portal.views import action_switch

from . import offline, photos, views

app_name = "services"


def crud(prefix, name, list_view, detail_view, edit_view):
    routes = [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/add/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
    ]
    if detail_view is not None:
        routes.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"))
    return routes


urlpatterns = [
    path("my-day/", views.MyDayView.as_view(), name="my_day"),
    path("offline/", offline.OfflineAppView.as_view(), name="offline"),
    path("offline/network/", offline.OfflineNetworkView.as_view(), name="offline_network"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", views.VisitOutingView.as_view(), name="visit_add"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    *crud("follow-ups", "followup", views.FollowUpListView, views.FollowUpDetailView, views.FollowUpEditView),
    path("start/", views.LandingView.as_view(), name="landing"),
    path("client-search/", views.ClientSearchView.as_view(), name="client_search"),
    path("open-needs/", views.OpenNeedsView.as_view(), name="open_needs"),
    *crud("resource-links", "resourcelink", views.ResourceLinkListView, views.ResourceLinkDetailView,
          views.ResourceLinkEditView),
    *crud("cases", "case", views.CaseListView, views.CaseDetailView, views.CaseEditView),
    path("cases/<int:pk>/<str:what>/", action_switch(
        transition=views.CaseTransitionView, note=views.CaseNoteView, goal=views.CaseGoalAddView,
        task=views.CaseTaskAddView, submit_plan=views.CasePlanSubmitView, approve_plan=views.CasePlanApproveView,
        return_plan=views.CasePlanReturnView, close=views.CaseCloseView, approve_closure=views.CaseClosureApproveView,
        return_closure=views.CaseClosureReturnView, transfer=views.CaseTransferView), name="case_action"),
    path("case-goals/", views.CaseGoalListView.as_view(), name="casegoal_list"),
    path("case-goals/<int:pk>/", views.CaseGoalDetailView.as_view(), name="casegoal_detail"),
    path("case-goals/<int:pk>/edit/", views.CaseGoalEditView.as_view(), name="casegoal_edit"),
    path("case-tasks/", views.CaseTaskListView.as_view(), name="casetask_list"),
    path("case-tasks/<int:pk>/", views.CaseTaskDetailView.as_view(), name="casetask_detail"),
    path("case-tasks/<int:pk>/edit/", views.CaseTaskEditView.as_view(), name="casetask_edit"),
    *crud("groups", "group", views.GroupListView, views.GroupDetailView, views.GroupEditView),
    path("groups/<int:pk>/sessions/add/", views.GroupSessionAddView.as_view(), name="groupsession_add"),
    *crud("activities", "activity", views.ActivityListView, views.ActivityDetailView, views.ActivityEditView),
    path("activities/photos/<int:pk>/", photos.ActivityPhotoView.as_view(), name="activityphoto_file"),
    path("activities/photos/<int:pk>/consent/", views.ActivityPhotoConsentView.as_view(), name="activityphoto_consent"),
    *crud("referrals", "referral", views.ReferralListView, views.ReferralDetailView, views.ReferralEditView),
    path("dispatches/", views.DispatchListView.as_view(), name="dispatch_list"),
    path("dispatches/add/", views.DispatchEditView.as_view(), name="dispatch_add"),
    path("dispatches/<int:pk>/", views.DispatchDetailView.as_view(), name="dispatch_detail"),
    path("dispatches/<int:pk>/<str:what>/", action_switch(accept=views.DispatchAcceptView,
                                                          report=views.DispatchReportView,
                                                          close=views.DispatchCloseView), name="dispatch_action"),
    path("monthly-reports/", views.MonthlyReportListView.as_view(), name="monthlyreport_list"),
    path("monthly-reports/submit/", views.MonthlyReportSubmitView.as_view(), name="monthlyreport_submit"),
    path("monthly-reports/<int:pk>/", views.MonthlyReportDetailView.as_view(), name="monthlyreport_detail"),
    path("monthly-reports/<int:pk>/<str:what>/", action_switch(**{
        "pass": views.MonthlyReportPassView, "return": views.MonthlyReportReturnView,
        "approve": views.MonthlyReportApproveView, "reopen": views.MonthlyReportReopenView}),
        name="monthlyreport_action"),
    *crud("volunteers", "volunteer", views.VolunteerListView, views.VolunteerDetailView, views.VolunteerEditView),
    path("volunteers/<int:pk>/deactivate/", views.VolunteerDeactivateView.as_view(), name="volunteer_deactivate"),
    *crud("volunteer-services", "volunteerservice", views.VolunteerServiceListView, views.VolunteerServiceDetailView,
          views.VolunteerServiceEditView),
    *crud("campaign-tags", "campaigntag", views.CampaignTagListView, None, views.CampaignTagEditView),
]
