from ..filters import OrganisationFilterSet, StaffFilterSet, StationFilterSet
from ..models import Organisation, Staff, Station
from .serializers import OrganisationSerializer, StaffCreateSerializer, StaffSerializer, StationSerializer
from .viewsets import ScopedModelViewSet


class StationViewSet(ScopedModelViewSet):
    queryset = Station.objects.select_related("town", "county", "operator")
    serializer_class = StationSerializer
    filterset_class = StationFilterSet

    def get_queryset(self):
        return super().get_queryset().with_worker_count()


class OrganisationViewSet(ScopedModelViewSet):
    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet


class StaffViewSet(ScopedModelViewSet):
    queryset = Staff.objects.select_related("user").prefetch_related("certificates")
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet

    def get_serializer_class(self):
        return StaffCreateSerializer if self.action == "create" else StaffSerializer

    def perform_update(self, serializer):
        from .. import services

        services.staff_update(staff=serializer.instance, **serializer.validated_data)
