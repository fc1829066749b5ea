from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet

from .. import services
from ..choices import InstalmentStatus
from ..filters import (
    ContractFilterSet,
    FundingSourceFilterSet,
    IndicatorSystemFilterSet,
    PerformanceEvaluationFilterSet,
)
from ..models import (
    Contract,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorScore,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
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
    PaymentInstalmentEditSerializer,
    PaymentInstalmentSerializer,
    PaySerializer,
    PerformanceEvaluationSerializer,
    TargetSetSerializer,
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
