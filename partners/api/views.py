from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action

from portal.api.actions import record_permission, run_action
from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet
from portal.filters import YearField

from .. import services
from ..filters import PartnerFilterSet
from ..models import Partner, PartnerOffering
from .serializers import PartnerOfferingSerializer, PartnerSerializer

YEAR = OpenApiParameter("year", int, description="The year whose resource links the totals count (default: this year).")


@extend_schema_view(list=extend_schema(parameters=[YEAR]), retrieve=extend_schema(parameters=[YEAR]))
class PartnerViewSet(ScopedModelViewSet):
    """五社联动 partners of the caller's counties with what each offers; ``deactivate`` marks one
    inactive (kept, no longer suggested)."""

    queryset = Partner.objects.prefetch_related("offerings").order_by("kind", "name", "pk")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet

    def get_queryset(self):
        year = YearField(required=False).clean_or_none(self.request.GET.get("year")) or timezone.localdate().year
        return super().get_queryset().with_totals(user=self.request.user, year=year).annotate(
            history_version=history_version(Partner))

    @extend_schema(request=None, responses={200: PartnerSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def deactivate(self, request, pk=None):
        partner = self.get_object()
        return run_action(self, request, lambda data: self.get_queryset().get(
            pk=services.partner_deactivate(partner=partner).pk), output=PartnerSerializer)


class PartnerOfferingViewSet(ScopedModelViewSet):
    """What each partner offers (a kind of help, a description, an optional value)."""

    queryset = PartnerOffering.objects.order_by("partner", "kind", "pk")
    serializer_class = PartnerOfferingSerializer
    filterset_class = None

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(PartnerOffering))
