import datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import AccessLog
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    page_of_rows,
)
from portal.xlsx import list_workbook, xlsx_response
from stations.models import Staff, Station

from . import services
from .choices import RectificationStatus
from .filters import (
    CompetitionEventFilterSet,
    EntitlementFilterSet,
    EvaluationSchemeFilterSet,
    ExpertFilterSet,
    IncentivePolicyFilterSet,
    RectificationItemFilterSet,
    StationEvaluationFilterSet,
    SubmissionFilterSet,
    SupervisionFilterSet,
    TrainingFilterSet,
    TuitionClaimFilterSet,
)
from .forms import (
    CompetitionEventForm,
    EvaluationForm,
    EvaluationItemForm,
    EvaluationSchemeForm,
    ExpertForm,
    IncentivePolicyForm,
    JudgeScoreForm,
    PaidOnForm,
    PeriodForm,
    RatingBandForm,
    RectificationForm,
    SubmissionForm,
    SupervisionForm,
    TrainingForm,
    TuitionClaimForm,
)
from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    ItemScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TrainingAttendance,
    TuitionClaim,
)
from .tables import (
    CompetitionTable,
    EntitlementTable,
    ExpertTable,
    PolicyTable,
    ProgressTable,
    RectificationTable,
    SchemeTable,
    StationEvaluationTable,
    SubmissionTable,
    SupervisionTable,
    TrainingTable,
    TuitionClaimTable,
)

# --- trainings -------------------------------------------------------------------------


class TrainingListView(ObjectListView):
    queryset = (
        Training.objects.select_related("county", "organiser")
        .prefetch_related("trainers", "expert_trainers")
        # a subquery per listed training: counted over the attendance join, the page's count and
        # its totals joined a city's 21,600 attendances (make bench, crawl_worst_page)
        .annotate(attendee_count=Coalesce(Subquery(
            TrainingAttendance.objects.filter(training=OuterRef("pk")).order_by().values("training")
            .annotate(n=Count("pk")).values("n")), 0))
        .order_by("-held_on", "-id")
    )
    filterset_class = TrainingFilterSet
    template_name = "training/training_list.html"
    table_class = TrainingTable

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

    def get_rows(self):
        station = None
        station_id = self.request.GET.get("station")
        self.stations = list(Station.objects.visible_to(self.request.user).select_related("town"))
        if station_id and station_id.isdigit():
            station = next((s for s in self.stations if str(s.pk) == station_id), None)
            if station is None:
                raise Http404
        self.station = station
        rows = services.workers_progress(user=self.request.user, station=station, stations=self.stations)
        if self.request.GET.get("behind") == "1":
            rows = [r for r in rows if r.is_behind]
        def order(row):
            standing = 3 if row.required is None else 0 if row.is_behind else 1 if row.gap else 2
            return standing, -(row.gap or 0), row.staff.station.town.code, row.staff.name

        return sorted(rows, key=order)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            from accounts.services import access_log_record

            title = str(_("Training hours"))
            access_log_record(request=request, action=AccessLog.Action.EXPORT,
                              object_repr=f"{title} {request.GET.urlencode()}"[:200])
            wb = list_workbook(title, ProgressTable(user=request.user).export_columns(), self.get_rows())
            return xlsx_response(wb, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.get_rows()
        # A page of 50 like every list (a city's 1,000 workers written at once took 170 ms; make
        # bench, crawl_worst_page); who is behind comes first, the count and the export cover all.
        paged = page_of_rows(self.request, rows)
        context.update(rows=rows, table=ProgressTable(paged["page_obj"].object_list, user=self.request.user),
                       stations=self.stations, station=self.station, behind_only=self.request.GET.get("behind") == "1",
                       behind_count=sum(r.is_behind for r in rows), requirements=services.REQUIRED_HOURS, **paged)
        return context


# --- supervision ------------------------------------------------------------------------


class SupervisionListView(ObjectListView):
    queryset = Supervision.objects.select_related("station", "supervisor_expert", "supervisor_staff").annotate(
        worker_count=Count("workers")
    ).order_by("-supervised_on", "-id")
    filterset_class = SupervisionFilterSet
    template_name = "training/supervision_list.html"
    table_class = SupervisionTable

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
    table_class = StationEvaluationTable


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
    table_class = RectificationTable


class RectificationEditView(ObjectEditView):
    queryset = RectificationItem.objects.select_related("evaluation")
    form_class = RectificationForm

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("evaluation", "").isdigit():
            initial["evaluation"] = int(self.request.GET["evaluation"])
        return initial


class CountyRecordEditView(ObjectEditView):
    """Edits a county's own record: a record of the city, the province or the shared
    standards is read-only to a county's users (404 on its edit page)."""

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        return get_object_or_404(self.queryset.editable_by(self.request.user), pk=self.kwargs["pk"])


class SchemeListView(ObjectListView):
    # Full marks from a subquery: a Sum over the items beside a Count of evaluations would multiply.
    queryset = EvaluationScheme.objects.select_related("county").annotate(
        item_count=Count("items"),
        max_total=Subquery(EvaluationItem.objects.filter(scheme=OuterRef("pk")).order_by().values("scheme")
                           .annotate(total=Sum("max_score")).values("total")),
    ).order_by("name")
    filterset_class = EvaluationSchemeFilterSet
    template_name = "training/scheme_list.html"
    table_class = SchemeTable

    def get_base_queryset(self):
        # evaluations the user may see: a shared standard is used by other counties too
        used = (StationEvaluation.objects.visible_to(self.request.user).filter(scheme=OuterRef("pk")).order_by()
                .values("scheme").annotate(n=Count("pk")).values("n"))
        return super().get_base_queryset().annotate(evaluation_count=Coalesce(Subquery(used), 0))


class SchemeDetailView(ObjectDetailView):
    queryset = EvaluationScheme.objects.select_related("county").prefetch_related("items", "bands")
    template_name = "training/scheme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = self.object
        editable = EvaluationScheme.objects.editable_by(self.request.user).filter(pk=scheme.pk).exists()
        context.update(
            max_total=sum(i.max_score for i in scheme.items.all()),
            can_change=context["can_change"] and editable,
            evaluation_count=StationEvaluation.objects.visible_to(self.request.user).filter(scheme=scheme).count(),
        )
        return context


class SchemeEditView(CountyRecordEditView):
    queryset = EvaluationScheme.objects.all()
    form_class = EvaluationSchemeForm


class SchemeChildEditView(ObjectEditView):
    """An item or a rating of a scheme the user may edit (``scheme_pk`` in the URL to add)."""

    action = "change"  # adding an item changes the scheme

    def get_model(self):
        return EvaluationScheme

    def get_scheme(self):
        if not hasattr(self, "_scheme"):
            schemes = EvaluationScheme.objects.editable_by(self.request.user)
            pk = self.get_object().scheme_id if self.kwargs.get("pk") else self.kwargs["scheme_pk"]
            self._scheme = get_object_or_404(schemes, pk=pk)
        return self._scheme

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        if not hasattr(self, "_child"):
            schemes = EvaluationScheme.objects.editable_by(self.request.user)
            self._child = get_object_or_404(self.queryset.filter(scheme__in=schemes), pk=self.kwargs["pk"])
        return self._child

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scheme"] = self.get_scheme()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_opts"] = self.queryset.model._meta
        return context

    def get_success_url(self):
        return self.get_scheme().get_absolute_url()


class EvaluationItemEditView(SchemeChildEditView):
    queryset = EvaluationItem.objects.all()
    form_class = EvaluationItemForm


class RatingBandEditView(SchemeChildEditView):
    queryset = RatingBand.objects.all()
    form_class = RatingBandForm


# --- certificates and incentives ---------------------------------------------------------


class PolicyListView(ObjectListView):
    queryset = IncentivePolicy.objects.select_related("region").annotate(
        entitlement_count=Count("entitlements"), entitlement_total=Sum("entitlements__amount")
    ).order_by("-valid_from", "name")
    filterset_class = IncentivePolicyFilterSet
    template_name = "training/policy_list.html"
    table_class = PolicyTable


class PolicyDetailView(ObjectDetailView):
    queryset = IncentivePolicy.objects.select_related("region")
    template_name = "training/policy_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        editable = IncentivePolicy.objects.editable_by(self.request.user).filter(pk=self.object.pk).exists()
        context.update(
            can_change=context["can_change"] and editable,
            can_compute=self.request.user.has_perm("training.add_entitlement"),
            default_start=datetime.date(today.year, 1, 1), default_end=today,
            summary=Entitlement.objects.visible_to(self.request.user).filter(policy=self.object)
            .values("kind", "status").annotate(n=Count("pk"), amount=Sum("amount")).order_by("kind", "status"),
        )
        return context


class PolicyEditView(CountyRecordEditView):
    queryset = IncentivePolicy.objects.all()
    form_class = IncentivePolicyForm


class PolicyComputeView(ObjectActionView):
    """Writes the entitlements of a period under a policy (idempotent)."""

    action = "add"
    queryset = IncentivePolicy.objects.all()
    title = _("Compute")
    form_class = PeriodForm
    errors_as_messages = True  # the period sits on the policy's page

    def get_model(self):
        return Entitlement  # computing writes entitlements

    def perform(self, policy, request, form_data):
        return services.entitlements_compute(policy=policy, start=form_data["start"], end=form_data["end"])

    def get_success_message(self):
        return _("%(count)s new entitlements written.") % {"count": len(self.result)}

    def get_success_url(self):
        return f"{reverse('training:entitlement_list')}?policy={self.object.pk}"


class EntitlementListView(ObjectListView):
    """The payout list (发放名单): export it with ?export=xlsx."""

    queryset = Entitlement.objects.select_related("staff__station", "policy", "certificate")
    filterset_class = EntitlementFilterSet
    template_name = "training/entitlement_list.html"
    export_title = _("Incentive payout list")
    table_class = EntitlementTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = self.object_list.order_by().aggregate(amount=Sum("amount"), n=Count("pk"))
        return context


class EntitlementPayView(ObjectActionView):
    """Tick a due payout off as paid (what the admin site alone did before)."""

    queryset = Entitlement.objects.select_related("staff", "policy")
    title = _("Mark paid")
    form_class = PaidOnForm
    success_message = _("The payout is marked paid.")

    def perform(self, entitlement, request, form_data):
        return services.entitlement_pay(entitlement=entitlement, paid_on=form_data["paid_on"])

    def get_object_url(self):
        return f"{reverse('training:entitlement_list')}?policy={self.object.policy_id}"


class TuitionClaimListView(ObjectListView):
    """Tuition claims (学费报销): reimbursed when the policy's entitlements are computed."""

    queryset = TuitionClaim.objects.select_related("staff__station", "policy").annotate(
        computed=Exists(Entitlement.objects.filter(tuition_claim=OuterRef("pk")))).order_by("-paid_on", "-id")
    filterset_class = TuitionClaimFilterSet
    template_name = "training/tuitionclaim_list.html"
    table_class = TuitionClaimTable


class TuitionClaimDetailView(ObjectDetailView):
    queryset = TuitionClaim.objects.select_related("staff__station", "policy")
    template_name = "training/tuitionclaim_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payout"] = Entitlement.objects.filter(tuition_claim=self.object).first()
        return context


class TuitionClaimEditView(ObjectEditView):
    queryset = TuitionClaim.objects.all()
    form_class = TuitionClaimForm


# --- outside experts ---------------------------------------------------------------------


class ExpertListView(ObjectListView):
    queryset = Expert.objects.select_related("county").order_by("kind", "name", "pk")
    filterset_class = ExpertFilterSet
    template_name = "training/expert_list.html"
    table_class = ExpertTable


class ExpertDetailView(ObjectDetailView):
    queryset = Expert.objects.select_related("county")
    template_name = "training/expert_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["supervisions"] = Supervision.objects.visible_to(user).filter(
            supervisor_expert=self.object).select_related("station").order_by("-supervised_on")[:20]
        context["trainings"] = Training.objects.visible_to(user).filter(
            expert_trainers=self.object).order_by("-held_on")[:20]
        return context


class ExpertEditView(ObjectEditView):
    queryset = Expert.objects.all()
    form_class = ExpertForm

    def get_success_url(self):
        return reverse("training:expert_detail", args=[self.object.pk])


# --- the case competition ------------------------------------------------------------------


class CompetitionEditView(ObjectEditView):
    queryset = CompetitionEvent.objects.all()
    form_class = CompetitionEventForm


class CompetitionListView(ObjectListView):
    queryset = CompetitionEvent.objects.select_related("county").annotate(
        entries=Count("submissions", distinct=True),
        awards=Count("submissions", filter=~Q(submissions__award=""), distinct=True),
    ).order_by("-held_on")
    filterset_class = CompetitionEventFilterSet
    template_name = "training/competition_list.html"
    table_class = CompetitionTable


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
        context["can_add_entry"] = user.has_perm("training.add_submission")
        entry = self.request.GET.get("entry", "")
        context["scoring_entry"] = int(entry) if entry.isdigit() else None
        return context


class SubmissionListView(ObjectListView):
    queryset = Submission.objects.select_related("event", "station", "case").prefetch_related(
        Prefetch("authors", queryset=Staff.objects.only("id", "name").order_by("name"))
    ).annotate(judge_count=Count("judge_scores")).order_by("-event__held_on", "event_id",
                                                          F("score").desc(nulls_last=True), "id")
    filterset_class = SubmissionFilterSet
    template_name = "training/submission_list.html"
    table_class = SubmissionTable


class SubmissionDetailView(ObjectDetailView):
    queryset = Submission.objects.select_related("event__county", "station", "case").prefetch_related(
        "judge_scores", Prefetch("authors", queryset=Staff.objects.order_by("name"))
    )
    template_name = "training/submission_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.object
        if submission.score is not None:
            # the rank is among all the event's entries, though a station sees only its own
            context["rank"] = Submission.objects.filter(event=submission.event_id).filter(
                Q(score__gt=submission.score) | Q(score=submission.score, pk__lt=submission.pk)
            ).count() + 1
        return context


class SubmissionEditView(ObjectEditView):
    queryset = Submission.objects.select_related("event", "station")
    form_class = SubmissionForm

    def get_initial(self):
        initial = super().get_initial()
        for key in ("event", "station"):
            if self.request.GET.get(key, "").isdigit():
                initial[key] = int(self.request.GET[key])
        return initial


class CompetitionActionView(ObjectActionView):
    """Actions on an event's entries (the right to change entries; the event scoped)."""

    queryset = CompetitionEvent.objects.all()
    action = "change"

    def get_model(self):
        return Submission


class JudgeScoreView(CompetitionActionView):
    """A judge's score of one entry, typed in on the competition page."""

    title = _("Record a judge's score")
    form_class = JudgeScoreForm
    errors_as_messages = True  # the score form sits on the competition's page
    success_message = _("The score is recorded and the ranking updated.")

    def entries(self):
        return Submission.objects.visible_to(self.request.user).filter(event=self.object)

    def get_form_kwargs(self):
        return {"submissions": self.entries().select_related("station")}

    def perform(self, event, request, form_data):
        submission_id = form_data["submission"]
        submission = get_object_or_404(self.entries(), pk=int(submission_id) if submission_id.isdigit() else 0)
        services.judge_score_record(submission=submission, judge=form_data["judge"], score=form_data["score"])


class CompetitionRankView(CompetitionActionView):
    title = _("Rank from the judges' scores")
    success_message = _("The ranking is updated from the judges' scores.")

    def perform(self, event, request, form_data):
        services.competition_rank(event=event)
