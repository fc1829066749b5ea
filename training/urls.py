from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.TrainingListView.as_view(), name="training_list"),
    path("<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("add/", views.TrainingEditView.as_view(), name="training_add"),
    path("<int:pk>/edit/", views.TrainingEditView.as_view(), name="training_edit"),
    path("my/", views.MyTrainingView.as_view(), name="my_training"),
    path("workers/<int:pk>/", views.WorkerTrainingView.as_view(), name="worker_training"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("supervisions/", views.SupervisionListView.as_view(), name="supervision_list"),
    path("supervisions/<int:pk>/", views.SupervisionDetailView.as_view(), name="supervision_detail"),
    path("supervisions/add/", views.SupervisionEditView.as_view(), name="supervision_add"),
    path("supervisions/<int:pk>/edit/", views.SupervisionEditView.as_view(), name="supervision_edit"),
    path("evaluations/", views.StationEvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/<int:pk>/", views.StationEvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/add/", views.StationEvaluationEditView.as_view(), name="evaluation_add"),
    path("evaluations/<int:pk>/edit/", views.StationEvaluationEditView.as_view(), name="evaluation_edit"),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path("rectifications/add/", views.RectificationEditView.as_view(), name="rectification_add"),
    path("rectifications/<int:pk>/edit/", views.RectificationEditView.as_view(), name="rectification_edit"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("incentives/", views.PolicyListView.as_view(), name="policy_list"),
    path("incentives/<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("incentives/<int:pk>/compute/", views.PolicyComputeView.as_view(), name="policy_compute"),
    path("incentives/payouts/", views.EntitlementListView.as_view(), name="entitlement_list"),
    path("competitions/", views.CompetitionListView.as_view(), name="competition_list"),
    path("competitions/<int:pk>/", views.CompetitionDetailView.as_view(), name="competition_detail"),
    path("competitions/<int:pk>/score/", views.JudgeScoreView.as_view(), name="competition_score"),
    path("competitions/<int:pk>/rank/", views.CompetitionRankView.as_view(), name="competition_rank"),
]
