"""The offline roster (issue 17): what a station worker's phone keeps to work with no network.

Only the worker's own station, only active clients, and only what the visit form and "my day"
need: name, village, categories, risk, the next visit due and the latest follow-up date. No ID
number, no phone number, no address, no birth date (docs/security.md "On the phone").
"""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from clients.models import CategoryMembership, Client
from portal.api.permissions import RolePermission
from portal.api.serializers import ModelSerializer
from portal.api.viewsets import ScopedReadOnlyViewSet


class OfflineRosterSerializer(ModelSerializer):
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = ["id", "station", "name", "village", "categories", "risk_level", "next_visit_due", "follow_up_on"]
        read_only_fields = fields

    def get_categories(self, client) -> list[str]:
        return [membership.get_category_display() for membership in client.current_categories]


def _own_station(user):
    staff = getattr(user, "staff", None)
    return staff.station_id if staff is not None else None


class StationWorkerOnly(BasePermission):
    message = _("The offline roster is for a station's workers: a county or city account keeps none on a phone.")

    def has_permission(self, request, view):
        return _own_station(request.user) is not None


class OfflineRosterViewSet(ScopedReadOnlyViewSet):
    """The caller's own station's active clients, for the phone's offline store (``follow_up_on``:
    the earliest open follow-up, kept on the client by the follow-ups of "my day"). A user who is
    not a station's worker (county, city) keeps no roster offline: 403."""

    queryset = Client.objects.all()
    permission_classes = [RolePermission, StationWorkerOnly]
    serializer_class = OfflineRosterSerializer
    ordering = ["name", "pk"]

    def get_queryset(self):
        today = timezone.localdate()
        current = CategoryMembership.objects.filter(Q(end_on__isnull=True) | Q(end_on__gte=today),
                                                    start_on__lte=today).order_by("category")
        return (super().get_queryset().active().filter(station_id=_own_station(self.request.user))
                .only("id", "station_id", "name", "village", "risk_level", "next_visit_due", "follow_up_on")
                .prefetch_related(Prefetch("categories", queryset=current, to_attr="current_categories"))
                .order_by("name", "pk"))
