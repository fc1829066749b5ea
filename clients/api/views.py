from django.db.models import Prefetch
from rest_framework.decorators import action
from rest_framework.response import Response

from stations.api.viewsets import ScopedModelViewSet

from .. import privacy
from ..filters import ClientFilterSet, HouseholdFilterSet
from ..models import Client, Household
from ..views import current_memberships
from .serializers import ClientSerializer, HouseholdSerializer


class ClientViewSet(ScopedModelViewSet):
    queryset = Client.objects.select_related("station").prefetch_related(current_memberships())
    serializer_class = ClientSerializer
    filterset_class = ClientFilterSet

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        privacy.log_child_view(request=request, client=self.get_object())
        return response

    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full ID number, once, logged as a reveal."""
        client = self.get_object()
        number = privacy.client_reveal_id(request=request, client=client)
        return Response({"id": client.pk, "id_number": number})


class HouseholdViewSet(ScopedModelViewSet):
    queryset = Household.objects.select_related("station").prefetch_related(
        Prefetch("members", queryset=Client.objects.only("id", "name", "relationship", "household_id")))
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
