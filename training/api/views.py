from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.actions import record_permission, run_action
from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portal.api.viewsets import request_object as body_of

from .. import services
from ..filters import (
    CompetitionEventFilterSet,
    EntitlementFilterSet,
    EvaluationSchemeFilterSet,
    ExpertFilterSet,
    IncentivePolicyFilterSet,
    RectificationItemFilterSet,
    StationEvaluationFilterSet,
    SubmissionFilterSet,
    SupervisionFilterSet,
    TrainingFilterSet,
    TuitionClaimFilterSet,
)
from ..models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    ItemScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TuitionClaim,
)
from .serializers import (
    CompetitionEventSerializer,
    EntitlementSerializer,
    EvaluationItemEditSerializer,
    EvaluationSchemeSerializer,
    ExpertSerializer,
    IncentivePolicySerializer,
    JudgeScoreInputSerializer,
    PayInputSerializer,
    PeriodInputSerializer,
    RatingBandEditSerializer,
    RectificationSerializer,
    StationEvaluationSerializer,
    SubmissionSerializer,
    SupervisionSerializer,
    TrainingSerializer,
    TuitionClaimSerializer,
)


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


class ExpertViewSet(ScopedModelViewSet):
    """The county's directory of outside experts (supervisors and trainers)."""

    queryset = Expert.objects.order_by("kind", "name", "pk")
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Expert))


class CompetitionEventViewSet(ScopedModelViewSet):
    """Case competitions; ``score`` records a judge's score of an entry, ``rank`` re-ranks."""

    queryset = CompetitionEvent.objects.order_by("-held_on", "-pk")
    serializer_class = CompetitionEventSerializer
    filterset_class = CompetitionEventFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(CompetitionEvent))

    def _entries(self, event):
        return Submission.objects.visible_to(self.request.user).filter(event=event).order_by(
            F("score").desc(nulls_last=True), "pk")

    @extend_schema(request=JudgeScoreInputSerializer, responses={200: SubmissionSerializer(many=True)})
    @action(detail=True, methods=["post"], serializer_class=JudgeScoreInputSerializer,
            permission_classes=[record_permission("change", Submission)])
    def score(self, request, pk=None):
        """A judge's score (0–100) of one of the competition's entries; answers the ranked entries."""
        event = self.get_object()

        def score(data):
            submission = get_object_or_404(self._entries(event), pk=data["submission"])
            services.judge_score_record(submission=submission, judge=data["judge"], score=data["score"])
            return self._entries(event).prefetch_related("authors")

        return run_action(self, request, score, input=JudgeScoreInputSerializer,
                          output=lambda rows, **kw: SubmissionSerializer(rows, many=True, **kw))

    @extend_schema(request=None, responses={200: SubmissionSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change", Submission)])
    def rank(self, request, pk=None):
        """Average each entry's judges' scores; answers the entries in ranking order."""
        event = self.get_object()

        def rank(data):
            services.competition_rank(event=event)
            return self._entries(event).prefetch_related("authors")

        return run_action(self, request, rank, output=lambda rows, **kw: SubmissionSerializer(rows, many=True, **kw))


class SubmissionViewSet(ScopedModelViewSet):
    queryset = Submission.objects.prefetch_related("authors").order_by("event", F("score").desc(nulls_last=True), "pk")
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Submission))


class TuitionClaimViewSet(ScopedModelViewSet):
    queryset = TuitionClaim.objects.select_related("staff").order_by("-paid_on", "-pk")
    serializer_class = TuitionClaimSerializer
    filterset_class = TuitionClaimFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(TuitionClaim))


class EntitlementViewSet(ScopedReadOnlyViewSet):
    """The payout list (发放名单); ``pay`` ticks a due payout off as paid."""

    queryset = Entitlement.objects.select_related("staff").order_by("-period", "staff_id", "kind", "pk")
    serializer_class = EntitlementSerializer
    filterset_class = EntitlementFilterSet

    @extend_schema(request=PayInputSerializer, responses={200: EntitlementSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def pay(self, request, pk=None):
        entitlement = self.get_object()
        return run_action(self, request, lambda data: services.entitlement_pay(
            entitlement=entitlement, paid_on=data["paid_on"]), input=PayInputSerializer, output=EntitlementSerializer)


class CountyRecordViewSet(ScopedModelViewSet):
    """A county's own record: the city's, the province's or a shared one is read-only to a
    county's users (an edit of it answers 404, as its edit page)."""

    EDITS = {"update", "partial_update"}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in self.EDITS:
            queryset = queryset.editable_by(self.request.user)
        return queryset.annotate(history_version=history_version(self.queryset.model))


class IncentivePolicyViewSet(CountyRecordViewSet):
    queryset = IncentivePolicy.objects.order_by("-valid_from", "name", "pk")
    serializer_class = IncentivePolicySerializer
    filterset_class = IncentivePolicyFilterSet

    @extend_schema(request=PeriodInputSerializer, responses={201: EntitlementSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("add", Entitlement)])
    def compute(self, request, pk=None):
        """Write the entitlements the policy gives for ``start``–``end`` not yet written
        (idempotent); answers the new ones."""
        policy = self.get_object()
        return run_action(self, request, lambda data: services.entitlements_compute(policy=policy, **data),
                          input=PeriodInputSerializer,
                          output=lambda rows, **kw: EntitlementSerializer(rows, many=True, **kw), created=True)


class RectificationViewSet(ScopedModelViewSet):
    queryset = RectificationItem.objects.select_related("evaluation").order_by("deadline", "pk")
    serializer_class = RectificationSerializer
    filterset_class = RectificationItemFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(RectificationItem))


class EvaluationSchemeViewSet(CountyRecordViewSet):
    """Evaluation schemes with their items and ratings; a county's users write their county's."""

    EDITS = {"update", "partial_update", "items", "item", "ratings", "rating"}
    queryset = EvaluationScheme.objects.prefetch_related("items", "bands").order_by("name", "pk")
    serializer_class = EvaluationSchemeSerializer
    filterset_class = EvaluationSchemeFilterSet

    def _child(self, serializer_class, model, pk=None):
        """Add (``pk`` None) or change one item or rating of the scheme, with the versioned serializer."""
        scheme = self.get_object()
        child = get_object_or_404(model, scheme=scheme, pk=pk) if pk is not None else None
        serializer = serializer_class(child, data=body_of(self.request), partial=child is not None,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            row = serializer.save() if child is not None else serializer.save(scheme=scheme)
        return Response(serializer_class(row, context=self.get_serializer_context()).data,
                        status=200 if child is not None else 201)

    @extend_schema(request=EvaluationItemEditSerializer, responses={201: EvaluationItemEditSerializer})
    @action(detail=True, methods=["post"], serializer_class=EvaluationItemEditSerializer,
            permission_classes=[record_permission("change")])
    def items(self, request, pk=None):
        """Add an item to the scheme (the scheme page's form: the ``change`` permission on schemes)."""
        return self._child(EvaluationItemEditSerializer, EvaluationItem)

    @extend_schema(request=EvaluationItemEditSerializer, responses={200: EvaluationItemEditSerializer})
    @action(detail=True, methods=["patch"], url_path=r"items/(?P<item>[0-9]+)", url_name="item",
            serializer_class=EvaluationItemEditSerializer, permission_classes=[record_permission("change")])
    def item(self, request, pk=None, item=None):
        """Change one item of the scheme (with its ``version``; a maximum below a score already
        given is refused)."""
        return self._child(EvaluationItemEditSerializer, EvaluationItem, item)

    @extend_schema(request=RatingBandEditSerializer, responses={201: RatingBandEditSerializer})
    @action(detail=True, methods=["post"], serializer_class=RatingBandEditSerializer,
            permission_classes=[record_permission("change")])
    def ratings(self, request, pk=None):
        """Add a rating band (from ``min_score`` up, a total earns ``label``)."""
        return self._child(RatingBandEditSerializer, RatingBand)

    @extend_schema(request=RatingBandEditSerializer, responses={200: RatingBandEditSerializer})
    @action(detail=True, methods=["patch"], url_path=r"ratings/(?P<band>[0-9]+)", url_name="rating",
            serializer_class=RatingBandEditSerializer, permission_classes=[record_permission("change")])
    def rating(self, request, pk=None, band=None):
        """Change one rating band (with its ``version``)."""
        return self._child(RatingBandEditSerializer, RatingBand, band)
