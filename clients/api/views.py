from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from portal.api.actions import record_permission, run_action
from portal.api.serializers import history_version
from portal.api.viewsets import ScopedModelViewSet
from portal.scoping import visible_or_404

from .. import idnumbers, privacy, services
from ..filters import ClientFilterSet, HouseholdFilterSet, ScreeningCampaignFilterSet, in_list_order
from ..models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    PolicyCategory,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)
from ..views import current_memberships
from .serializers import (
    AssessmentSerializer,
    CategoryAddSerializer,
    CategoryEndSerializer,
    CategoryMembershipSerializer,
    ClientCloseSerializer,
    ClientSerializer,
    HouseholdMemberAddSerializer,
    HouseholdSerializer,
    PolicyCategorySerializer,
    RevealSerializer,
    ScreeningCampaignSerializer,
    ScreeningRecordSerializer,
    VisitIntervalSerializer,
)


class CanViewClients(BasePermission):
    """Reveal is a read of one field: it needs ``view``; the role check and log are in privacy."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("clients.view_client")


class ClientViewSet(ScopedModelViewSet):
    queryset = Client.objects.select_related("station").prefetch_related(current_memberships())
    serializer_class = ClientSerializer
    filterset_class = ClientFilterSet

    def get_queryset(self):
        return in_list_order(super().get_queryset(), self.request).annotate(history_version=history_version(Client))

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

    # --- the client page's forms: close, categories, assessments (same permission, same service)

    def _client(self):
        """The client of a sub-resource: in scope (404 otherwise), without the list's annotations."""
        return visible_or_404(Client.objects.select_related("station"), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=ClientCloseSerializer, responses={200: ClientSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def close(self, request, pk=None):
        """Close the record (销档): open categories end on the closing date."""
        client = self._client()

        def close(data):
            services.client_close(client=client, reason=data["close_reason"], closed_on=data["closed_on"],
                                  note=data["close_note"])
            return self.get_queryset().get(pk=client.pk)

        return run_action(self, request, close, input=ClientCloseSerializer, output=ClientSerializer)

    @extend_schema(methods=["GET"], request=None, responses={200: CategoryMembershipSerializer(many=True)})
    @extend_schema(methods=["POST"], request=CategoryAddSerializer, responses={201: CategoryMembershipSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=CategoryMembershipSerializer, pagination_class=None,
            permission_classes=[record_permission("view", CategoryMembership)])
    def categories(self, request, pk=None):
        """The client's full dated category history (ended ones too), oldest first; POST adds a
        category (the ``change`` permission on category memberships, as the client page)."""
        client = self._client()
        if request.method == "GET":
            rows = client.categories.order_by("start_on", "pk")
            return Response(CategoryMembershipSerializer(rows, many=True, context=self.get_serializer_context()).data)
        if not request.user.has_perm("clients.change_categorymembership"):
            self.permission_denied(request)
        return run_action(self, request, lambda data: services.category_add(client=client, **data),
                          input=CategoryAddSerializer, output=CategoryMembershipSerializer, created=True)

    @extend_schema(request=CategoryEndSerializer, responses={200: CategoryMembershipSerializer})
    @action(detail=True, methods=["post"], url_path=r"categories/(?P<membership>[0-9]+)/end",
            url_name="category-end", permission_classes=[record_permission("change", CategoryMembership)])
    def category_end(self, request, pk=None, membership=None):
        """End one of the client's categories on ``end_on`` (its history keeps it)."""
        client = self._client()
        row = visible_or_404(CategoryMembership.objects.filter(client=client), request.user, pk=membership)
        return run_action(self, request, lambda data: services.category_end(membership=row, end_on=data["end_on"]),
                          input=CategoryEndSerializer, output=CategoryMembershipSerializer)

    @extend_schema(methods=["GET"], request=None, responses={200: AssessmentSerializer(many=True)})
    @extend_schema(methods=["POST"], request=AssessmentSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=AssessmentSerializer, pagination_class=None,
            permission_classes=[record_permission("view", Assessment)])
    def assessments(self, request, pk=None):
        """The client's needs assessments, newest first; POST records one (the ``add`` permission
        on assessments): the newest sets the client's risk level and visit rhythm."""
        client = self._client()
        if request.method == "GET":
            rows = client.assessments.select_related("assessor")
            return Response(AssessmentSerializer(rows, many=True).data)
        if not request.user.has_perm("clients.add_assessment"):
            self.permission_denied(request)
        assessor = getattr(request.user, "staff", None)
        return run_action(self, request,
                          lambda data: services.assessment_record(client=client, assessor=assessor, **data),
                          input=AssessmentSerializer, output=AssessmentSerializer, created=True)


class HouseholdViewSet(ScopedModelViewSet):
    queryset = Household.objects.select_related("station").prefetch_related(
        Prefetch("members", queryset=Client.objects.only("id", "name", "relationship", "household_id")))
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Household))

    @extend_schema(request=HouseholdMemberAddSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def members(self, request, pk=None):
        """Add a person registered at the household's station, named by ID number (the household
        page's form)."""
        household = self.get_object()

        def add(data):
            number = idnumbers.normalise(data["id_number"])
            client = Client.objects.visible_to(request.user).filter(
                id_number=number, station=household.station_id).first()
            if client is None:
                raise ValidationError({"id_number": _("No registered person of this station has this ID number.")})
            services.household_add_member(household=household, client=client, relationship=data["relationship"])
            return self.get_queryset().get(pk=household.pk)

        return run_action(self, request, add, input=HouseholdMemberAddSerializer, output=HouseholdSerializer)


class ScreeningCampaignViewSet(ScopedModelViewSet):
    """Screening campaigns (大排查) the caller sees; ``records`` takes a covered client's result."""

    queryset = ScreeningCampaign.objects.select_related("county").prefetch_related("stations").order_by(
        "-start_on", "-pk")
    serializer_class = ScreeningCampaignSerializer
    filterset_class = ScreeningCampaignFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(ScreeningCampaign))

    @extend_schema(request=ScreeningRecordSerializer, responses={200: ScreeningRecordSerializer})
    @action(detail=True, methods=["post"], serializer_class=ScreeningRecordSerializer,
            permission_classes=[record_permission("add", ScreeningRecord)])
    def records(self, request, pk=None):
        """Record (or correct) what the campaign found about one covered client."""
        campaign = self.get_object()
        screener = getattr(request.user, "staff", None)
        return run_action(self, request, lambda data: services.screening_record(
            campaign=campaign, screener=screener, **data), input=ScreeningRecordSerializer,
            output=ScreeningRecordSerializer)


class VisitIntervalViewSet(ScopedModelViewSet):
    """The counties' visit intervals (动态监测频次): saving one re-dates the county's clients' next visits."""

    queryset = VisitInterval.objects.order_by("county", "risk_level", "category", "pk")
    serializer_class = VisitIntervalSerializer
    filterset_class = None

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(VisitInterval))


class PolicyCategoryViewSet(ScopedModelViewSet):
    """The county's own categories (besides SPEC's seven) and their visit intervals."""

    queryset = PolicyCategory.objects.all()
    serializer_class = PolicyCategorySerializer

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(PolicyCategory))
