from .views import (
    CompetitionEventViewSet,
    EntitlementViewSet,
    EvaluationSchemeViewSet,
    ExpertViewSet,
    IncentivePolicyViewSet,
    RectificationViewSet,
    StationEvaluationViewSet,
    SubmissionViewSet,
    SupervisionViewSet,
    TrainingViewSet,
    TuitionClaimViewSet,
)

routes = [
    ("trainings", TrainingViewSet, "training"),
    ("supervisions", SupervisionViewSet, "supervision"),
    ("station-evaluations", StationEvaluationViewSet, "station-evaluation"),
    ("experts", ExpertViewSet, "expert"),
    ("evaluation-schemes", EvaluationSchemeViewSet, "evaluationscheme"),
    ("rectifications", RectificationViewSet, "rectification"),
    ("incentive-policies", IncentivePolicyViewSet, "incentivepolicy"),
    ("incentive-payouts", EntitlementViewSet, "entitlement"),
    ("tuition-claims", TuitionClaimViewSet, "tuitionclaim"),
    ("competitions", CompetitionEventViewSet, "competition"),
    ("competition-entries", SubmissionViewSet, "submission"),
]
