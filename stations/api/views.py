from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated

from portal.api.actions import record_permission, run_action
from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filters import (
    CertificateFilterSet,
    OrganisationFilterSet,
    RegionFilterSet,
    ServicePointFilterSet,
    StaffFilterSet,
    StationFilterSet,
)
from ..models import Certificate, Organisation, Region, ServicePoint, Staff, Station
from .serializers import (
    CertificateEditSerializer,
    OrganisationSerializer,
    RegionSerializer,
    ServicePointSerializer,
    StaffCreateSerializer,
    StaffSerializer,
    StationSerializer,
)


class RegionViewSet(ScopedReadOnlyViewSet):
    """The region tree (行政区划) as far as the caller reaches: the counties of their scope with
    the city and province above and the towns and villages below, each with its ``parent`` id
    (filter ``?parent=<id>`` for one level, ``?level=town``). Reference data every logged-in
    role reads; nobody edits it through the API."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    permission_classes = [IsAuthenticated]


class StationViewSet(ScopedModelViewSet):
    queryset = Station.objects.select_related("town", "county", "operator")
    serializer_class = StationSerializer
    filterset_class = StationFilterSet

    def get_queryset(self):
        return super().get_queryset().with_worker_count().annotate(history_version=history_version(Station))


class OrganisationViewSet(ScopedModelViewSet):
    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Organisation))


class StaffViewSet(ScopedModelViewSet):
    queryset = Staff.objects.select_related("user").prefetch_related("certificates")
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Staff))

    def get_serializer_class(self):
        return StaffCreateSerializer if self.action == "create" else StaffSerializer

    @extend_schema(request=None, responses={200: StaffSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def deactivate(self, request, pk=None):
        """End the staff member's access today: their sessions and API token stop working."""
        staff = self.get_object()

        def deactivate(data):
            services.staff_deactivate(staff=staff, by=request.user)
            return self.get_queryset().get(pk=staff.pk)

        return run_action(self, request, deactivate, output=StaffSerializer)


class CertificateViewSet(ScopedModelViewSet):
    queryset = Certificate.objects.select_related("staff").order_by("-issued_on", "-pk")
    serializer_class = CertificateEditSerializer
    filterset_class = CertificateFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Certificate))


class ServicePointViewSet(ScopedModelViewSet):
    """Village and community service points (村/社区社工室) of the caller's stations."""

    queryset = ServicePoint.objects.select_related("station").order_by("station__town__code", "name", "pk")
    serializer_class = ServicePointSerializer
    filterset_class = ServicePointFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(ServicePoint))

    @extend_schema(request=None, responses={200: ServicePointSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def deactivate(self, request, pk=None):
        """Close the service point: the records naming it keep it; it is offered no more."""
        point = self.get_object()

        def deactivate(data):
            services.service_point_deactivate(point=point)
            return self.get_queryset().get(pk=point.pk)

        return run_action(self, request, deactivate, output=ServicePointSerializer)
