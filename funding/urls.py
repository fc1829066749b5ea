from django.urls import path

from portal.views import action_switch

from . import views

app_name = "funding"

urlpatterns = [
    path("sources/", views.FundingSourceListView.as_view(), name="fundingsource_list"),
    path("sources/<int:pk>/", views.FundingSourceDetailView.as_view(), name="fundingsource_detail"),
    path("sources/add/", views.FundingSourceEditView.as_view(), name="fundingsource_add"),
    path("sources/<int:pk>/edit/", views.FundingSourceEditView.as_view(), name="fundingsource_edit"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/add/", views.ContractEditView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:contract_pk>/funding/", views.ContractFundingAddView.as_view(), name="contractfunding_add"),
    path("contracts/<int:contract_pk>/targets/", views.ContractTargetAddView.as_view(), name="contracttarget_add"),
    path("contracts/<int:contract_pk>/instalments/add/", views.PaymentInstalmentEditView.as_view(),
         name="paymentinstalment_add"),
    path("instalments/<int:pk>/edit/", views.PaymentInstalmentEditView.as_view(), name="paymentinstalment_edit"),
    path("instalments/<int:pk>/pay/", views.InstalmentPayView.as_view(), name="paymentinstalment_pay"),
    path("contracts/<int:contract_pk>/evaluations/add/", views.PerformanceEvaluationEditView.as_view(),
         name="evaluation_add"),
    path("evaluations/", views.PerformanceEvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/<int:pk>/", views.PerformanceEvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", views.PerformanceEvaluationEditView.as_view(), name="evaluation_edit"),
    # 公益创投
    path("venture-calls/", views.VentureCallListView.as_view(), name="venturecall_list"),
    path("venture-calls/<int:pk>/", views.VentureCallDetailView.as_view(), name="venturecall_detail"),
    path("venture-calls/add/", views.VentureCallEditView.as_view(), name="venturecall_add"),
    path("venture-calls/<int:pk>/edit/", views.VentureCallEditView.as_view(), name="venturecall_edit"),
    path("venture-calls/<int:pk>/<str:what>/", action_switch(
        open=views.VentureCallOpenView, close=views.VentureCallCloseView, announce=views.VentureCallAnnounceView),
        name="venturecall_action"),
    path("venture-calls/<int:call_pk>/applications/add/", views.VentureApplicationEditView.as_view(),
         name="ventureapplication_add"),
    path("venture-applications/", views.VentureApplicationListView.as_view(), name="ventureapplication_list"),
    path("venture-applications/<int:pk>/", views.VentureApplicationDetailView.as_view(),
         name="ventureapplication_detail"),
    path("venture-applications/<int:pk>/edit/", views.VentureApplicationEditView.as_view(),
         name="ventureapplication_edit"),
    path("venture-applications/<int:pk>/<str:what>/", action_switch(
        review=views.VentureReviewView, award=views.VentureAwardView, reject=views.VentureRejectView),
        name="ventureapplication_action"),
    path("venture-projects/", views.VentureProjectListView.as_view(), name="ventureproject_list"),
    path("venture-projects/<int:pk>/", views.VentureProjectDetailView.as_view(), name="ventureproject_detail"),
    path("venture-projects/<int:pk>/<str:what>/", action_switch(
        milestone=views.VentureMilestoneAddView, payment=views.VenturePaymentAddView, report=views.VentureReportView,
        evaluate=views.VentureEvaluateView), name="ventureproject_action"),
    path("venture-milestones/<int:pk>/done/", views.VentureMilestoneDoneView.as_view(), name="venturemilestone_done"),
    path("venture-payments/<int:pk>/pay/", views.VenturePayView.as_view(), name="venturepayment_pay"),
    path("indicator-systems/", views.IndicatorSystemListView.as_view(), name="indicatorsystem_list"),
    path("indicator-systems/<int:pk>/", views.IndicatorSystemDetailView.as_view(), name="indicatorsystem_detail"),
    path("indicator-systems/add/", views.IndicatorSystemEditView.as_view(), name="indicatorsystem_add"),
    path("indicator-systems/<int:pk>/edit/", views.IndicatorSystemEditView.as_view(), name="indicatorsystem_edit"),
    path("indicator-systems/<int:system_pk>/categories/add/", views.IndicatorCategoryEditView.as_view(),
         name="indicatorcategory_add"),
    path("indicator-categories/<int:pk>/edit/", views.IndicatorCategoryEditView.as_view(),
         name="indicatorcategory_edit"),
    path("indicator-systems/<int:system_pk>/indicators/add/", views.IndicatorEditView.as_view(),
         name="indicator_add"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
]
