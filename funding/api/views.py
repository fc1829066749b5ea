from django.db.models import Avg, Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from portal.api.actions import record_permission, run_action
from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..choices import InstalmentStatus
from ..filters import (
    ContractFilterSet,
    FundingSourceFilterSet,
    IndicatorSystemFilterSet,
    PerformanceEvaluationFilterSet,
    VentureApplicationFilterSet,
    VentureCallFilterSet,
    VentureProjectFilterSet,
)
from ..models import (
    ZERO_YUAN,
    Contract,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorScore,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
    VentureApplication,
    VentureCall,
    VentureMilestone,
    VenturePayment,
    VentureProject,
    VentureReview,
)
from .serializers import (
    AchievementSerializer,
    AllocateSerializer,
    ContractFundingSerializer,
    ContractSerializer,
    ContractTargetSerializer,
    FundingSourceSerializer,
    IndicatorCategorySerializer,
    IndicatorSerializer,
    IndicatorSystemSerializer,
    MilestoneDoneInputSerializer,
    PaymentInstalmentEditSerializer,
    PaymentInstalmentSerializer,
    PaySerializer,
    PerformanceEvaluationSerializer,
    TargetSetSerializer,
    VentureApplicationSerializer,
    VentureAwardInputSerializer,
    VentureCallSerializer,
    VentureEvaluateInputSerializer,
    VentureMilestoneSerializer,
    VenturePayInputSerializer,
    VenturePaymentSerializer,
    VentureProjectSerializer,
    VentureReportInputSerializer,
    VentureReviewInputSerializer,
)


class FundingSourceViewSet(ScopedModelViewSet):
    queryset = FundingSource.objects.select_related("region").with_execution()
    serializer_class = FundingSourceSerializer
    filterset_class = FundingSourceFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(FundingSource))


class ContractViewSet(ScopedModelViewSet):
    """Contracts with their split, targets and instalments. The bureau writes; stations read
    their own. ``allocate``, ``targets`` and ``pay`` apply the money rules of funding.services."""

    queryset = (
        Contract.objects.select_related("contractor").with_money()
        .prefetch_related("stations", "fundings__source", "targets", "instalments")
    )
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Contract))

    def _require(self, permission):
        if not self.request.user.has_perm(permission):
            raise PermissionDenied

    def _refreshed(self, contract):
        return ContractSerializer(self.get_queryset().get(pk=contract.pk), context=self.get_serializer_context()).data

    @extend_schema(request=AllocateSerializer, responses={201: ContractFundingSerializer})
    @action(detail=True, methods=["post"], serializer_class=AllocateSerializer)
    def allocate(self, request, pk=None):
        self._require("funding.add_contractfunding")
        contract = self.get_object()
        serializer = AllocateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        funding = services.contract_allocate(contract=contract, **serializer.validated_data)
        return Response(ContractFundingSerializer(funding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TargetSetSerializer, responses={201: ContractTargetSerializer})
    @action(detail=True, methods=["post"], serializer_class=TargetSetSerializer)
    def targets(self, request, pk=None):
        self._require("funding.add_contracttarget")
        contract = self.get_object()
        serializer = TargetSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.contract_target_set(contract=contract, **serializer.validated_data)
        return Response(ContractTargetSerializer(target).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentInstalmentSerializer, responses={201: PaymentInstalmentSerializer})
    @action(detail=True, methods=["post"], serializer_class=PaymentInstalmentSerializer)
    def instalments(self, request, pk=None):
        self._require("funding.add_paymentinstalment")
        contract = self.get_object()
        serializer = PaymentInstalmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["funding"].contract_id != contract.pk:
            raise ValidationError({"funding": [_("Choose a funding source of this contract.")]})
        instalment = services.instalment_save(instalment=PaymentInstalment(contract=contract, **data))
        return Response(PaymentInstalmentSerializer(instalment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaySerializer, responses={200: PaymentInstalmentSerializer})
    @action(detail=True, methods=["post"], serializer_class=PaySerializer)
    def pay(self, request, pk=None):
        self._require("funding.change_paymentinstalment")
        contract = self.get_object()
        serializer = PaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instalment = get_object_or_404(PaymentInstalment, contract=contract, pk=serializer.validated_data["instalment"])
        instalment = services.instalment_pay(instalment=instalment, paid_on=serializer.validated_data["paid_on"],
                                             voucher=serializer.validated_data["voucher"])
        return Response(PaymentInstalmentSerializer(instalment).data)

    @extend_schema(responses={200: AchievementSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # one list, never paged
    def achievement(self, request, pk=None):
        """Each target against its achieved value (counted by reports.figures)."""
        contract = self.get_object()
        return Response([
            {"kind": target.kind, "target": target.value, "achieved": achieved, "percent": percent}
            for target, achieved, percent in services.contract_achievement(contract, user=request.user)
        ])


class PerformanceEvaluationViewSet(ScopedModelViewSet):
    queryset = PerformanceEvaluation.objects.select_related("contract").prefetch_related(
        Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator"))
    )
    serializer_class = PerformanceEvaluationSerializer
    filterset_class = PerformanceEvaluationFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(PerformanceEvaluation))


class PaymentInstalmentViewSet(ScopedModelViewSet):
    """A contract's instalments: added and paid through the contract (``instalments``, ``pay``);
    an unpaid one is changed here (a paid one is fixed: 404, as its edit page)."""

    queryset = PaymentInstalment.objects.order_by("contract", "number", "pk")
    serializer_class = PaymentInstalmentEditSerializer
    filterset_class = None
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("update", "partial_update"):
            queryset = queryset.exclude(status=InstalmentStatus.PAID)
        return queryset.annotate(history_version=history_version(PaymentInstalment))


class IndicatorSystemViewSet(ScopedModelViewSet):
    """Performance indicator systems (绩效评价指标体系); their categories and indicators are
    ``/indicator-categories/`` and ``/indicators/``."""

    queryset = IndicatorSystem.objects.order_by("-year", "name", "pk")
    serializer_class = IndicatorSystemSerializer
    filterset_class = IndicatorSystemFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(IndicatorSystem))


class IndicatorCategoryViewSet(ScopedModelViewSet):
    queryset = IndicatorCategory.objects.order_by("system", "order", "pk")
    serializer_class = IndicatorCategorySerializer
    filterset_class = None

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(IndicatorCategory))


class IndicatorViewSet(ScopedModelViewSet):
    queryset = Indicator.objects.order_by("category__system", "category__order", "category", "order", "pk")
    serializer_class = IndicatorSerializer
    filterset_class = None

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Indicator))


# --- 公益创投 -------------------------------------------------------------------------------

class VentureCallViewSet(ScopedModelViewSet):
    """公益创投 calls of the caller's counties; ``open/``, ``close/`` and ``announce/`` move the status
    (draft → open → closed → awarded) as the call's page does."""

    queryset = VentureCall.objects.select_related("source").annotate(
        application_count=Count("applications", distinct=True),
        awarded_amount=Coalesce(Sum("applications__project__amount_awarded"), ZERO_YUAN),
    ).order_by("-year", "-opens_on", "-pk")
    serializer_class = VentureCallSerializer
    filterset_class = VentureCallFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(VentureCall))

    def _transition(self, request, name):
        call = self.get_object()
        return run_action(self, request, lambda data: self.get_queryset().get(
            pk=services.venture_call_transition(call=call, action=name).pk), output=VentureCallSerializer)

    @extend_schema(request=None, responses={200: VentureCallSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def open(self, request, pk=None):
        return self._transition(request, "open")

    @extend_schema(request=None, responses={200: VentureCallSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def close(self, request, pk=None):
        return self._transition(request, "close")

    @extend_schema(request=None, responses={200: VentureCallSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def announce(self, request, pk=None):
        return self._transition(request, "announce")


class VentureApplicationViewSet(ScopedModelViewSet):
    """Applications to 公益创投 calls with their reviews and average score; ``reviews/`` records
    a review, ``award/`` funds one (a venture project), ``reject/`` marks it not funded."""

    queryset = VentureApplication.objects.select_related("project", "organisation", "partner").prefetch_related(
        Prefetch("reviews", queryset=VentureReview.objects.select_related("reviewer__staff", "expert"))
    ).annotate(review_count=Count("reviews", distinct=True), average_score=Avg("reviews__score")).order_by(
        "call", "-submitted_on", "pk")
    serializer_class = VentureApplicationSerializer
    filterset_class = VentureApplicationFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(VentureApplication))

    def _answer(self, application):
        return self.get_queryset().get(pk=application.pk)

    @extend_schema(request=VentureReviewInputSerializer, responses={201: VentureApplicationSerializer})
    @action(detail=True, methods=["post"], serializer_class=VentureReviewInputSerializer,
            permission_classes=[record_permission("add", VentureReview)])
    def reviews(self, request, pk=None):
        application = self.get_object()

        def review(data):
            expert = data.get("expert")
            services.venture_review_record(
                application=application, score=data["score"], comment=data.get("comment", ""),
                reviewed_on=data["reviewed_on"], reviewer=None if expert else request.user, expert=expert,
                recorded_by=request.user)
            return self._answer(application)

        return run_action(self, request, review, input=VentureReviewInputSerializer,
                          output=VentureApplicationSerializer, created=True)

    @extend_schema(request=VentureAwardInputSerializer, responses={201: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VentureAwardInputSerializer,
            permission_classes=[record_permission("add", VentureProject)])
    def award(self, request, pk=None):
        application = self.get_object()
        return run_action(self, request, lambda data: services.venture_award(
            application=application, amount=data["amount"], awarded_on=data["awarded_on"]),
            input=VentureAwardInputSerializer, output=VentureProjectSerializer, created=True)

    @extend_schema(request=None, responses={200: VentureApplicationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def reject(self, request, pk=None):
        application = self.get_object()
        return run_action(self, request, lambda data: self._answer(
            services.venture_application_reject(application=application)), output=VentureApplicationSerializer)


class VentureProjectViewSet(ScopedReadOnlyViewSet):
    """Funded 公益创投 projects: milestones, payments, the final report and the evaluation are
    written through their actions, as on the project's page."""

    queryset = VentureProject.objects.select_related("application").prefetch_related(
        "milestones", "payments").order_by("-awarded_on", "-pk")
    serializer_class = VentureProjectSerializer
    filterset_class = VentureProjectFilterSet

    def _answer(self, project):
        return self.get_queryset().get(pk=project.pk)

    def _run(self, request, perform, input):
        project = self.get_object()
        return run_action(self, request, lambda data: self._answer(perform(project, data) or project),
                          input=input, output=VentureProjectSerializer)

    @extend_schema(request=VentureMilestoneSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VentureMilestoneSerializer,
            permission_classes=[record_permission("change")])
    def milestones(self, request, pk=None):
        return self._run(request, lambda project, data: services.venture_milestone_add(
            project=project, title=data["title"], due_on=data["due_on"]) and None, VentureMilestoneSerializer)

    @extend_schema(request=MilestoneDoneInputSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], url_path="milestone-done", serializer_class=MilestoneDoneInputSerializer,
            permission_classes=[record_permission("change")])
    def milestone_done(self, request, pk=None):
        def done(project, data):
            milestone = get_object_or_404(VentureMilestone, project=project, pk=data["milestone"])
            services.venture_milestone_done(milestone=milestone, done_on=data["done_on"],
                                            evidence=data.get("evidence", ""))

        return self._run(request, done, MilestoneDoneInputSerializer)

    @extend_schema(request=VenturePaymentSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VenturePaymentSerializer,
            permission_classes=[record_permission("change")])
    def payments(self, request, pk=None):
        return self._run(request, lambda project, data: services.venture_payment_add(
            project=project, amount=data["amount"], due_on=data["due_on"]) and None, VenturePaymentSerializer)

    @extend_schema(request=VenturePayInputSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VenturePayInputSerializer,
            permission_classes=[record_permission("change")])
    def pay(self, request, pk=None):
        def pay(project, data):
            payment = get_object_or_404(VenturePayment, project=project, pk=data["payment"])
            services.venture_payment_pay(payment=payment, paid_on=data["paid_on"])

        return self._run(request, pay, VenturePayInputSerializer)

    @extend_schema(request=VentureReportInputSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VentureReportInputSerializer,
            permission_classes=[record_permission("change")])
    def report(self, request, pk=None):
        return self._run(request, lambda project, data: services.venture_project_report(
            project=project, final_report=data["final_report"], reported_on=data["reported_on"]),
            VentureReportInputSerializer)

    @extend_schema(request=VentureEvaluateInputSerializer, responses={200: VentureProjectSerializer})
    @action(detail=True, methods=["post"], serializer_class=VentureEvaluateInputSerializer,
            permission_classes=[record_permission("change")])
    def evaluate(self, request, pk=None):
        return self._run(request, lambda project, data: services.venture_project_evaluate(
            project=project, score=data["score"], conclusion=data["conclusion"],
            evaluated_on=data["evaluated_on"]), VentureEvaluateInputSerializer)
