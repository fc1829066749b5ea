from rest_framework.permissions import IsAuthenticated

from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from ..filters import OrganisationFilterSet, RegionFilterSet, StaffFilterSet, StationFilterSet
from ..models import Organisation, Region, Staff, Station
from .serializers import (
    OrganisationSerializer,
    RegionSerializer,
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
