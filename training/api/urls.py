from .views import StationEvaluationViewSet, SupervisionViewSet, TrainingViewSet

routes = [
    ("trainings", TrainingViewSet, "training"),
    ("supervisions", SupervisionViewSet, "supervision"),
    ("station-evaluations", StationEvaluationViewSet, "station-evaluation"),
]
