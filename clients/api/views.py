from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet

from .. import privacy
from ..filters import ClientFilterSet, HouseholdFilterSet
from ..models import Client, Household, PolicyCategory
from ..views import current_memberships
from .serializers import ClientSerializer, HouseholdSerializer, PolicyCategorySerializer, RevealSerializer


class CanViewClients(BasePermission):
    """Reveal is a read of one field: it needs ``view``; the role check and log are in privacy."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("clients.view_client")


class ClientViewSet(ScopedModelViewSet):
    queryset = Client.objects.select_related("station").prefetch_related(current_memberships())
    serializer_class = ClientSerializer
    filterset_class = ClientFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Client))

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        privacy.log_child_view(request=request, client=self.get_object())
        return response

    @extend_schema(request=None, responses={200: RevealSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanViewClients])
    def reveal(self, request, pk=None):
        """The full ID number, once, logged as a reveal."""
        client = self.get_object()
        if not privacy.can_reveal_id(request.user, client):
            # Answered, not raised, so that the refused attempt stays in the log whatever the
            # transaction handling of exceptions.
            privacy.log_refused_reveal(request=request, client=client)
            return Response({"detail": _("Your role may not see full ID numbers.")}, status=403)
        number = privacy.client_reveal_id(request=request, client=client)
        return Response({"id": client.pk, "id_number": number})


class HouseholdViewSet(ScopedModelViewSet):
    queryset = Household.objects.select_related("station").prefetch_related(
        Prefetch("members", queryset=Client.objects.only("id", "name", "relationship", "household_id")))
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Household))


class PolicyCategoryViewSet(ScopedModelViewSet):
    """The county's own categories (besides SPEC's seven) and their visit intervals."""

    queryset = PolicyCategory.objects.all()
    serializer_class = PolicyCategorySerializer

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(PolicyCategory))
