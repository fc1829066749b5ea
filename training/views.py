import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from stations.exports import Column, list_workbook, xlsx_response
from stations.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    permission_name,
)
from stations.models import AccessLog, Staff, Station

from . import services
from .choices import RectificationStatus
from .filters import (
    CompetitionEventFilterSet,
    EntitlementFilterSet,
    RectificationItemFilterSet,
    StationEvaluationFilterSet,
    SupervisionFilterSet,
    TrainingFilterSet,
)
from .forms import EvaluationForm, RectificationForm, SupervisionForm, TrainingForm
from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationScheme,
    IncentivePolicy,
    ItemScore,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
)

# --- trainings -------------------------------------------------------------------------


class TrainingListView(ObjectListView):
    queryset = (
        Training.objects.select_related("county", "organiser")
        .prefetch_related("trainers", "expert_trainers")
        .annotate(attendee_count=Count("attendance"))
        .order_by("-held_on", "-id")
    )
    filterset_class = TrainingFilterSet
    template_name = "training/training_list.html"
    export_columns = [
        Column(_("date"), "held_on", 12), Column(_("training topic"), "topic", 36), Column(_("hours"), "hours", 8),
        Column(_("format"), "get_format_display"), Column(_("organiser"), "organiser.name", 26),
        Column(_("trainers"), "trainer_names", 24), Column(_("attendees"), "attendee_count", 10),
        Column(_("location"), "location", 20), Column(_("county"), "county.name"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.object_list.order_by().aggregate(sessions=Count("pk"), hours=Sum("hours"))
        return context


class TrainingDetailView(ObjectDetailView):
    queryset = Training.objects.select_related("county", "organiser").prefetch_related("trainers", "expert_trainers")
    template_name = "training/training_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Staff.objects.visible_to(self.request.user)
        attendance = self.object.attendance.select_related("staff__station").order_by("staff__station__town__code",
                                                                                     "staff__name")
        context["attendees"] = [a.staff for a in attendance.filter(staff__in=visible.values("pk"))]
        context["others"] = self.object.attendance.count() - len(context["attendees"])
        return context


class TrainingEditView(ObjectEditView):
    queryset = Training.objects.all()
    form_class = TrainingForm


class WorkerTrainingView(ObjectPermissionMixin, TemplateView):
    """A worker's own training page: hours in the registration period, the gap, sessions."""

    queryset = Training.objects.all()
    template_name = "training/worker_training.html"

    def get_staff(self):
        staff = Staff.objects.visible_to(self.request.user).select_related("station", "user")
        return get_object_or_404(staff.prefetch_related("certificates"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = self.get_staff()
        progress = services.hours_progress(staff_list=[staff])[0]
        attended = (
            Training.objects.filter(attendance__staff=staff).select_related("organiser").order_by("-held_on")
        )
        user = self.request.user
        own = getattr(user, "staff", None) == staff
        context.update(
            staff=staff, progress=progress, own=own,
            sessions=[(t, progress.period_start <= t.held_on <= progress.period_end) for t in attended],
            supervisions=Supervision.objects.visible_to(user).filter(workers=staff)
            .select_related("station", "supervisor_expert", "supervisor_staff")[:20],
            entitlements=Entitlement.objects.filter(staff=staff).select_related("policy")[:24]
            if own or user.has_perm("training.view_entitlement") else None,
        )
        return context


class MyTrainingView(ObjectPermissionMixin, View):
    queryset = Training.objects.all()

    def get(self, request):
        staff = getattr(request.user, "staff", None)
        if staff is None:
            raise Http404
        return HttpResponseRedirect(reverse("training:worker_training", args=[staff.pk]))


class ProgressView(ObjectPermissionMixin, TemplateView):
    """Every worker in scope against their requirement; who is behind first (the center's view)."""

    queryset = Training.objects.all()
    template_name = "training/progress.html"
    export_columns = [
        Column(_("worker"), lambda p: p.staff.name), Column(_("station"), lambda p: p.staff.station.name, 20),
        Column(_("certificate"), "level_label", 16), Column(_("period from"), "period_start", 12),
        Column(_("period to"), "period_end", 12), Column(_("hours"), "hours", 8), Column(_("required"), "required", 8),
        Column(_("gap"), "gap", 8), Column(_("expected by now"), "expected", 10),
        Column(_("behind"), lambda p: str(_("yes")) if p.is_behind else ""),
    ]

    def get_rows(self):
        station = None
        station_id = self.request.GET.get("station")
        self.stations = Station.objects.visible_to(self.request.user).select_related("town")
        if station_id and station_id.isdigit():
            station = get_object_or_404(self.stations, pk=station_id)
        self.station = station
        rows = services.workers_progress(user=self.request.user, station=station)
        if self.request.GET.get("behind") == "1":
            rows = [r for r in rows if r.is_behind]
        def order(row):
            standing = 3 if row.required is None else 0 if row.is_behind else 1 if row.gap else 2
            return standing, -(row.gap or 0), row.staff.station.town.code, row.staff.name

        return sorted(rows, key=order)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            from stations.services import access_log_record

            title = str(_("Training hours"))
            access_log_record(request=request, action=AccessLog.Action.EXPORT,
                              object_repr=f"{title} {request.GET.urlencode()}"[:200])
            wb = list_workbook(title, self.export_columns, self.get_rows())
            return xlsx_response(wb, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.get_rows()
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(rows=rows, stations=self.stations, station=self.station, behind_only=self.request.GET.get("behind") == "1",
                       behind_count=sum(r.is_behind for r in rows), querystring=query.urlencode(),
                       requirements=services.REQUIRED_HOURS)
        return context


# --- supervision ------------------------------------------------------------------------


class SupervisionListView(ObjectListView):
    queryset = Supervision.objects.select_related("station", "supervisor_expert", "supervisor_staff").annotate(
        worker_count=Count("workers")
    ).order_by("-supervised_on", "-id")
    filterset_class = SupervisionFilterSet
    template_name = "training/supervision_list.html"
    export_columns = [
        Column(_("date"), "supervised_on", 12), Column(_("station"), "station.name", 20),
        Column(_("supervisor"), "supervisor_name"), Column(_("supervisor kind"), "supervisor_kind", 16),
        Column(_("mode"), "get_mode_display"), Column(_("hours"), "hours", 8), Column(_("supervision topic"), "topic", 24),
        Column(_("workers supervised"), "worker_count", 8), Column(_("findings"), "findings", 40),
        Column(_("advice"), "advice", 40), Column(_("follow-up"), "follow_up", 30),
        Column(_("follow-up by"), "follow_up_on", 12),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.object_list.order_by().aggregate(sessions=Count("pk"), hours=Sum("hours"))
        return context


class SupervisionDetailView(ObjectDetailView):
    queryset = Supervision.objects.select_related("station", "supervisor_expert", "supervisor_staff").prefetch_related(
        "workers"
    )
    template_name = "training/supervision_detail.html"


class SupervisionEditView(ObjectEditView):
    queryset = Supervision.objects.all()
    form_class = SupervisionForm


# --- station evaluations ------------------------------------------------------------------


class StationEvaluationListView(ObjectListView):
    queryset = StationEvaluation.objects.select_related("station", "scheme").annotate(
        open_items=Count("rectifications", filter=~Q(rectifications__status=RectificationStatus.DONE)),
    ).order_by("-evaluated_on", "-id")
    filterset_class = StationEvaluationFilterSet
    template_name = "training/evaluation_list.html"
    export_columns = [
        Column(_("evaluation date"), "evaluated_on", 12), Column(_("station"), "station.name", 20),
        Column(_("scheme"), "scheme.name", 24), Column(_("period from"), "period_start", 12),
        Column(_("period to"), "period_end", 12), Column(_("total score"), "total", 10), Column(_("rating"), "rating"),
        Column(_("open rectification items"), "open_items", 10), Column(_("evaluators"), "evaluators", 20),
        Column(_("findings"), "findings", 40),
    ]


class StationEvaluationDetailView(ObjectDetailView):
    queryset = StationEvaluation.objects.select_related("station", "scheme").prefetch_related("scheme__bands")
    template_name = "training/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = self.object
        evidence = services.evaluation_evidence(evaluation=evaluation)
        scores = {s.item_id: s for s in ItemScore.objects.filter(evaluation=evaluation)}
        rows, categories = [], {}
        for item in evaluation.scheme.items.all():
            score = scores.get(item.pk)
            rows.append({"item": item, "score": score, "evidence": evidence.get(item.evidence) if item.evidence else None})
            total = categories.setdefault(item.category, [0, 0])
            total[0] += score.score if score else 0
            total[1] += item.max_score
        user = self.request.user
        context.update(
            rows=rows, categories=categories.items(), evidence=evidence,
            max_total=sum(r["item"].max_score for r in rows),
            rectifications=evaluation.rectifications.select_related("owner"),
            can_add_rectification=user.has_perm("training.add_rectificationitem"),
            can_change_rectification=user.has_perm("training.change_rectificationitem"),
        )
        return context


class StationEvaluationEditView(ObjectEditView):
    queryset = StationEvaluation.objects.select_related("scheme")
    form_class = EvaluationForm
    template_name = "training/evaluation_form.html"

    def get_initial(self):
        initial = super().get_initial()
        for key in ("station", "scheme"):
            if self.request.GET.get(key, "").isdigit():
                initial[key] = int(self.request.GET[key])
        return initial


class RectificationListView(ObjectListView):
    queryset = RectificationItem.objects.select_related("evaluation__station", "evaluation__scheme", "owner")
    filterset_class = RectificationItemFilterSet
    template_name = "training/rectification_list.html"
    export_columns = [
        Column(_("station"), "evaluation.station.name", 20), Column(_("evaluation date"), "evaluation.evaluated_on", 12),
        Column(_("what to fix"), "description", 40), Column(_("owner"), "owner.name"),
        Column(_("rectification deadline"), "deadline", 12), Column(_("status"), "get_status_display"),
        Column(_("overdue"), lambda r: str(_("yes")) if r.is_overdue else ""), Column(_("done on"), "done_on", 12),
        Column(_("progress note"), "note", 30),
    ]


class RectificationEditView(ObjectEditView):
    queryset = RectificationItem.objects.select_related("evaluation")
    form_class = RectificationForm

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("evaluation", "").isdigit():
            initial["evaluation"] = int(self.request.GET["evaluation"])
        return initial


class SchemeListView(ObjectListView):
    queryset = EvaluationScheme.objects.annotate(
        item_count=Count("items"), max_total=Sum("items__max_score")
    ).order_by("name")
    template_name = "training/scheme_list.html"

    def get_base_queryset(self):
        return self.queryset  # schemes are shared standards, not a station's records


class SchemeDetailView(ObjectPermissionMixin, TemplateView):
    queryset = EvaluationScheme.objects.all()
    template_name = "training/scheme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = get_object_or_404(EvaluationScheme.objects.prefetch_related("items", "bands"), pk=self.kwargs["pk"])
        context.update(object=scheme, max_total=sum(i.max_score for i in scheme.items.all()))
        return context


# --- certificates and incentives ---------------------------------------------------------


class PolicyListView(ObjectListView):
    queryset = IncentivePolicy.objects.select_related("region").annotate(
        entitlement_count=Count("entitlements"), entitlement_total=Sum("entitlements__amount")
    ).order_by("-valid_from", "name")
    template_name = "training/policy_list.html"


class PolicyDetailView(ObjectDetailView):
    queryset = IncentivePolicy.objects.select_related("region")
    template_name = "training/policy_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            can_compute=self.request.user.has_perm("training.add_entitlement"),
            default_start=datetime.date(today.year, 1, 1), default_end=today,
            summary=Entitlement.objects.visible_to(self.request.user).filter(policy=self.object)
            .values("kind", "status").annotate(n=Count("pk"), amount=Sum("amount")).order_by("kind", "status"),
        )
        return context


class PolicyComputeView(ObjectPermissionMixin, View):
    """Writes the entitlements of a period under a policy (idempotent)."""

    action = "add"
    queryset = Entitlement.objects.all()

    def post(self, request, pk):
        policy = get_object_or_404(IncentivePolicy.objects.visible_to(request.user), pk=pk)
        try:
            start = datetime.date.fromisoformat(request.POST.get("start", ""))
            end = datetime.date.fromisoformat(request.POST.get("end", ""))
        except ValueError:
            messages.error(request, _("Enter the period as two dates."))
            return HttpResponseRedirect(policy.get_absolute_url())
        if end < start:
            messages.error(request, _("The end date cannot be before the start date."))
            return HttpResponseRedirect(policy.get_absolute_url())
        created = services.entitlements_compute(policy=policy, start=start, end=end)
        messages.success(request, _("%(count)s new entitlements written.") % {"count": len(created)})
        return HttpResponseRedirect(f"{reverse('training:entitlement_list')}?policy={policy.pk}")


class EntitlementListView(ObjectListView):
    """The payout list (发放名单): export it with ?export=xlsx."""

    queryset = Entitlement.objects.select_related("staff__station", "policy", "certificate")
    filterset_class = EntitlementFilterSet
    template_name = "training/entitlement_list.html"
    export_title = _("Incentive payout list")
    export_columns = [
        Column(_("worker"), "staff.name"), Column(_("station"), "staff.station.name", 20),
        Column(_("kind"), "get_kind_display", 16), Column(_("certificate level"), "get_level_display", 16),
        Column(_("certificate number"), "certificate.number", 16), Column(_("for"), "period", 12),
        Column(_("amount"), "amount", 10), Column(_("status"), "get_status_display"), Column(_("paid on"), "paid_on", 12),
        Column(_("policy"), "policy.name", 30),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = self.object_list.order_by().aggregate(amount=Sum("amount"), n=Count("pk"))
        return context


# --- the case competition ------------------------------------------------------------------


class CompetitionListView(ObjectListView):
    queryset = CompetitionEvent.objects.select_related("county").annotate(
        entries=Count("submissions", distinct=True),
        awards=Count("submissions", filter=~Q(submissions__award=""), distinct=True),
    ).order_by("-held_on")
    filterset_class = CompetitionEventFilterSet
    template_name = "training/competition_list.html"


class CompetitionDetailView(ObjectDetailView):
    queryset = CompetitionEvent.objects.select_related("county")
    template_name = "training/competition_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # the rank is among all entries, though a station sees only its own
        ranked = Submission.objects.filter(event=self.object, score__isnull=False).order_by("-score", "id")
        ranks = {pk: index for index, pk in enumerate(ranked.values_list("pk", flat=True), start=1)}
        submissions = list(
            Submission.objects.visible_to(user).filter(event=self.object).select_related("station", "case")
            .prefetch_related("judge_scores", Prefetch("authors", queryset=Staff.objects.order_by("name")))
            .order_by(F("score").desc(nulls_last=True), "id")
        )
        for submission in submissions:
            submission.rank = ranks.get(submission.pk)
        context["submissions"] = submissions
        context["can_rank"] = user.has_perm("training.change_submission")
        return context


class JudgeScoreView(ObjectPermissionMixin, View):
    """A judge's score of one entry, typed in on the competition page."""

    action = "change"
    queryset = Submission.objects.all()

    def post(self, request, pk):
        from django.core.exceptions import ValidationError

        event = get_object_or_404(CompetitionEvent.objects.visible_to(request.user), pk=pk)
        submission_id = request.POST.get("submission", "")
        submission = get_object_or_404(Submission.objects.visible_to(request.user).filter(event=event),
                                       pk=int(submission_id) if submission_id.isdigit() else 0)
        try:
            services.judge_score_record(submission=submission, judge=request.POST.get("judge", ""),
                                        score=request.POST.get("score", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The score is recorded and the ranking updated."))
        return HttpResponseRedirect(event.get_absolute_url())


class CompetitionRankView(ObjectPermissionMixin, View):
    action = "change"
    queryset = Submission.objects.all()

    def post(self, request, pk):
        event = get_object_or_404(CompetitionEvent.objects.visible_to(request.user), pk=pk)
        if not request.user.has_perm(permission_name(Submission, "change")):
            raise PermissionDenied
        services.competition_rank(event=event)
        messages.success(request, _("The ranking is updated from the judges' scores."))
        return HttpResponseRedirect(event.get_absolute_url())

