from django.db.models import Count, Prefetch

from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet

from ..filters import StationEvaluationFilterSet, SupervisionFilterSet, TrainingFilterSet
from ..models import ItemScore, StationEvaluation, Supervision, Training
from .serializers import StationEvaluationSerializer, SupervisionSerializer, TrainingSerializer


class TrainingViewSet(ScopedModelViewSet):
    queryset = (
        Training.objects.select_related("organiser")
        .prefetch_related("trainers", "expert_trainers", "attendance")
        .annotate(attendee_count=Count("attendance"))
        .order_by("-held_on", "-id")
    )
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Training))


class SupervisionViewSet(ScopedModelViewSet):
    queryset = Supervision.objects.select_related("station", "supervisor_expert", "supervisor_staff").prefetch_related(
        "workers"
    )
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Supervision))


class StationEvaluationViewSet(ScopedModelViewSet):
    queryset = StationEvaluation.objects.select_related("station", "scheme").prefetch_related(
        Prefetch("scores", queryset=ItemScore.objects.select_related("item")), "rectifications"
    )
    serializer_class = StationEvaluationSerializer
    filterset_class = StationEvaluationFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(StationEvaluation))
