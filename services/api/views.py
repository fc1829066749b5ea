from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.api.actions import record_permission, run_action
from portal.api.pagination import KeysetPagination
from portal.api.serializers import VERSION_STALE, history_version
from portal.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, request_object
from portal.locking import record_state
from stations.models import Staff

from .. import services
from ..filters import (
    ActivityFilterSet,
    CaseFilterSet,
    CaseGoalFilterSet,
    CaseTaskFilterSet,
    DispatchFilterSet,
    FollowUpFilterSet,
    GroupFilterSet,
    MonthlyReportFilterSet,
    ReferralFilterSet,
    ResourceLinkFilterSet,
    VisitFilterSet,
    VolunteerFilterSet,
    VolunteerServiceFilterSet,
)
from ..forms import user_station
from ..models import (
    Activity,
    CampaignTag,
    Case,
    CaseGoal,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    MonthlyReport,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
)
from .serializers import (
    ActivitySerializer,
    CampaignTagSerializer,
    CaseCloseSerializer,
    CaseDecisionSerializer,
    CaseGoalSerializer,
    CaseNoteSerializer,
    CasePlanSerializer,
    CasePlanSubmitSerializer,
    CaseSerializer,
    CaseTaskSerializer,
    CaseTransferSerializer,
    CaseTransitionSerializer,
    DispatchSerializer,
    FollowUpSerializer,
    GroupSerializer,
    GroupSessionSerializer,
    MonthlyReportSerializer,
    MonthlyReportSubmitSerializer,
    ReferralSerializer,
    ReopenSerializer,
    ReportBackSerializer,
    ResourceLinkSerializer,
    ReviewSerializer,
    VisitSerializer,
    VolunteerSerializer,
    VolunteerServiceSerializer,
)


def _stage_at(case, version):
    """The stage the case had at ``version`` (its history id): the lock's ``expected`` state."""
    if version is None:
        return None
    if version == 0:
        if case.history.exists():
            raise serializers.ValidationError({"version": [VERSION_STALE]})
        return record_state(case, ["stage"])
    row = case.history.filter(history_id=version).first()
    if row is None:
        raise serializers.ValidationError({"version": ["This is not a version of this record."]})
    return record_state(row.instance, ["stage"])


def _body(request, serializer_class):
    """An action's body (a JSON object), validated by the serializer its schema names: a value of
    the wrong type answers 400 naming the field instead of being coerced."""
    serializer = serializer_class(data=request_object(request))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class VisitPagination(KeysetPagination):
    ordering = ("-visited_on", "-id")


class VisitViewSet(ScopedModelViewSet):
    """Visits: millions of rows at province scale, so keyset pagination (no COUNT)."""

    # Serialised by VisitSerializer's own fields: workers and tags prefetched with their ids only
    # (in name order, as the pages list them).
    queryset = Visit.objects.select_related("client", "station").prefetch_related(
        Prefetch("workers", queryset=Staff.objects.only("id").order_by("name", "pk")),
        Prefetch("tags", queryset=CampaignTag.objects.only("id").order_by("name", "pk")))
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    pagination_class = VisitPagination

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Visit))


class FollowUpViewSet(ScopedModelViewSet):
    """Follow-ups (``?due=overdue|today|week|open|answered``)."""

    queryset = FollowUp.objects.select_related("client")
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(FollowUp))


class ResourceLinkViewSet(ScopedModelViewSet):
    queryset = ResourceLink.objects.all()
    serializer_class = ResourceLinkSerializer
    filterset_class = ResourceLinkFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(ResourceLink))


class CaseViewSet(ScopedModelViewSet):
    queryset = Case.objects.prefetch_related("clients")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Case))

    @extend_schema(request=CaseTransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], serializer_class=CaseTransitionSerializer)
    def transition(self, request, pk=None):
        case = self.get_object()
        serializer = CaseTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = _stage_at(case, data.pop("version", None))
        with transaction.atomic():
            case = services.case_transition(case=case, user=request.user, expected=expected, **data)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(methods=["GET"], request=None, responses={200: CaseNoteSerializer(many=True)})
    @extend_schema(methods=["POST"], request=CaseNoteSerializer, responses={201: CaseNoteSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=CaseNoteSerializer,
            permission_classes=[record_permission("view")], pagination_class=None)
    def notes(self, request, pk=None):
        """The case's service notes, newest first; POST adds one (as the case page's note form:
        the ``change`` permission on cases, the same service)."""
        case = self.get_object()
        if request.method == "GET":
            notes = case.notes.select_related("author")
            return Response(CaseNoteSerializer(notes, many=True).data)
        if not request.user.has_perm("services.change_case"):
            self.permission_denied(request)

        def add(data):
            author = getattr(request.user, "staff", None)
            if author is not None and author.station_id != case.station_id:
                author = None
            return services.case_note_add(case=case, author=author, **data)

        return run_action(self, request, add, input=CaseNoteSerializer, output=CaseNoteSerializer, created=True)


    def _case_action(self, request, serializer_class, run):
        case = self.get_object()
        data = _body(request, serializer_class)
        with transaction.atomic():
            case = run(case, data)
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=CasePlanSubmitSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="submit-plan", serializer_class=CasePlanSubmitSerializer)
    def submit_plan(self, request, pk=None):
        """The worker submits the case plan (its goals and tasks) for approval."""
        return self._case_action(request, CasePlanSubmitSerializer, lambda case, data: services.case_plan_submit(
            case=case, user=request.user, **data))

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="decide-plan", serializer_class=CaseDecisionSerializer)
    def decide_plan(self, request, pk=None):
        """The station head or the center's supervisor approves the plan or returns it with a comment."""
        return self._case_action(request, CaseDecisionSerializer, lambda case, data: services.case_plan_decide(
            case=case, user=request.user, **data))

    @extend_schema(request=CaseCloseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], serializer_class=CaseCloseSerializer)
    def close(self, request, pk=None):
        """Close from any stage with a reason: an approver's request closes, anyone else's awaits approval."""
        return self._case_action(request, CaseCloseSerializer, lambda case, data: services.case_close_request(
            case=case, user=request.user, **data))

    @extend_schema(request=CaseDecisionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="decide-closure", serializer_class=CaseDecisionSerializer)
    def decide_closure(self, request, pk=None):
        """The station head or the center's supervisor approves a requested closure or returns it."""
        return self._case_action(request, CaseDecisionSerializer, lambda case, data: services.case_closure_decide(
            case=case, user=request.user, **data))

    @extend_schema(request=CaseTransferSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], serializer_class=CaseTransferSerializer)
    def transfer(self, request, pk=None):
        """Hand the case to another worker of its station."""
        case = self.get_object()
        serializer = CaseTransferSerializer(data=request_object(request), context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            case = services.case_transfer(case=case, user=request.user, **serializer.validated_data)
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)


class CasePlanViewSet(ScopedReadOnlyViewSet):
    """Case plans (SPEC §4 ``case-plans``): each case in scope with its plan's status, goals
    and tasks, filtered like the cases list. Three queries a page whatever the plans hold."""

    queryset = Case.objects.prefetch_related("plan_goals", "plan_tasks")
    serializer_class = CasePlanSerializer
    filterset_class = CaseFilterSet


class CaseGoalViewSet(ScopedModelViewSet):
    """Goals of case plans (measurable target, review date); added while the plan is a draft."""

    queryset = CaseGoal.objects.all()
    serializer_class = CaseGoalSerializer
    filterset_class = CaseGoalFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(CaseGoal))


class CaseTaskViewSet(ScopedModelViewSet):
    """Tasks of case plans (owner, due date, done)."""

    queryset = CaseTask.objects.all()
    serializer_class = CaseTaskSerializer
    filterset_class = CaseTaskFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(CaseTask))


class GroupViewSet(ScopedModelViewSet):
    queryset = Group.objects.prefetch_related("members", "tags", "sessions__attendees")
    serializer_class = GroupSerializer
    filterset_class = GroupFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Group))

    @extend_schema(request=GroupSessionSerializer, responses={201: GroupSessionSerializer})
    @action(detail=True, methods=["post"], serializer_class=GroupSessionSerializer,
            permission_classes=[record_permission("change")])
    def sessions(self, request, pk=None):
        """Record one session of the group and who came (the group page's session form): its
        ``number`` is the next one; ``attendance_count`` at least the attendees named, who must
        be members of the group."""
        group = self.get_object()
        return run_action(self, request, lambda data: services.group_session_record(group=group, **data),
                          input=GroupSessionSerializer, output=GroupSessionSerializer, created=True)


class ActivityViewSet(ScopedModelViewSet):
    queryset = Activity.objects.prefetch_related("participants", "workers", "tags")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Activity))


class ReferralViewSet(ScopedModelViewSet):
    queryset = Referral.objects.all()
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(Referral))


class DispatchViewSet(ScopedModelViewSet):
    queryset = Dispatch.objects.select_related("issued_by")
    serializer_class = DispatchSerializer
    filterset_class = DispatchFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def _act(self, request, fn, body=None):
        dispatch = self.get_object()  # out of scope: 404 before the body is read
        kwargs = _body(request, body) if body is not None else {}
        dispatch = fn(dispatch=dispatch, user=request.user, **kwargs)
        return Response(DispatchSerializer(dispatch, context=self.get_serializer_context()).data)

    # The service decides who may act (the station's own staff; the sending side).
    @extend_schema(request=None, responses={200: DispatchSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def accept(self, request, pk=None):
        return self._act(request, services.dispatch_accept)

    @extend_schema(request=ReportBackSerializer, responses={200: DispatchSerializer})
    @action(detail=True, methods=["post"], url_path="report-back", permission_classes=[IsAuthenticated])
    def report_back(self, request, pk=None):
        return self._act(request, services.dispatch_report_back, body=ReportBackSerializer)

    @extend_schema(request=None, responses={200: DispatchSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def close(self, request, pk=None):
        """The sender confirms the report back and closes the task."""
        return self._act(request, services.dispatch_close)


class MonthlyReportViewSet(ScopedReadOnlyViewSet):
    queryset = MonthlyReport.objects.select_related("station")
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet

    @extend_schema(request=MonthlyReportSubmitSerializer, responses={200: MonthlyReportSerializer})
    @action(detail=False, methods=["post"], permission_classes=[record_permission("submit")])
    def submit(self, request):
        """The station head submits their station's month (once it is over): the report page's
        submit form, the same service."""
        station = user_station(request.user)
        if station is None:
            self.permission_denied(request)

        def submit(data):
            return services.monthly_report_submit(station=station, month=data["month"], user=request.user,
                                                  summary=data["summary"])

        return run_action(self, request, submit, input=MonthlyReportSubmitSerializer,
                          output=MonthlyReportSerializer)

    @extend_schema(request=ReviewSerializer, responses={200: MonthlyReportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def review(self, request, pk=None):
        report = self.get_object()
        data = _body(request, ReviewSerializer)
        report = services.monthly_report_review(report=report, user=request.user,
                                                passed=data["passed"], comment=data["comment"])
        return Response(MonthlyReportSerializer(report).data)

    @extend_schema(request=None, responses={200: MonthlyReportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def approve(self, request, pk=None):
        report = services.monthly_report_approve(report=self.get_object(), user=request.user)
        return Response(MonthlyReportSerializer(report).data)

    @extend_schema(request=ReopenSerializer, responses={200: MonthlyReportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reopen(self, request, pk=None):
        report = self.get_object()
        reason = _body(request, ReopenSerializer)["reason"]
        report = services.monthly_report_reopen(report=report, user=request.user, reason=reason)
        return Response(MonthlyReportSerializer(report).data, status=status.HTTP_200_OK)


class CampaignTagViewSet(ScopedModelViewSet):
    """Campaign labels are county-wide, not station data: everyone who may read them sees all."""

    queryset = CampaignTag.objects.all()
    serializer_class = CampaignTagSerializer
    filterset_class = None

    def get_queryset(self):
        return CampaignTag.objects.annotate(history_version=history_version(CampaignTag)).order_by("name", "pk")


class VolunteerViewSet(ScopedModelViewSet):
    """Volunteers (志愿者) of the caller's stations, with their total hours of service."""

    queryset = Volunteer.objects.select_related("station").order_by("station__town__code", "name", "pk")
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet

    def get_queryset(self):
        from django.db.models import OuterRef, Subquery, Sum

        hours = (VolunteerService.objects.filter(volunteer=OuterRef("pk")).order_by().values("volunteer")
                 .annotate(total=Sum("hours")).values("total"))
        return super().get_queryset().annotate(history_version=history_version(Volunteer),
                                               total_hours=Subquery(hours))

    @extend_schema(request=None, responses={200: VolunteerSerializer})
    @action(detail=True, methods=["post"], permission_classes=[record_permission("change")])
    def deactivate(self, request, pk=None):
        """The volunteer no longer serves: kept with their service records, offered no more."""
        volunteer = self.get_object()

        def deactivate(data):
            services.volunteer_deactivate(volunteer=volunteer)
            return self.get_queryset().get(pk=volunteer.pk)

        return run_action(self, request, deactivate, output=VolunteerSerializer)


class VolunteerServiceViewSet(ScopedModelViewSet):
    """Volunteer service records (志愿服务记录): ``?since=&until=&station=`` is the list behind the
    ``volunteers`` and ``volunteer_hours`` figures."""

    queryset = VolunteerService.objects.select_related("volunteer").order_by("-served_on", "-pk")
    serializer_class = VolunteerServiceSerializer
    filterset_class = VolunteerServiceFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(history_version=history_version(VolunteerService))
