from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet

from ..filters import OrganisationFilterSet, StaffFilterSet, StationFilterSet
from ..models import Organisation, Staff, Station
from .serializers import (
    OrganisationSerializer,
    StaffCreateSerializer,
    StaffSerializer,
    StationSerializer,
)


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
