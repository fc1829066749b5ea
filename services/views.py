import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DateField, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from clients.models import Client
from portal.filters import YearField
from portal.tables import display
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    page_of_rows,
)
from portal.xlsx import Column
from stations.models import Station

from . import hooks, services
from .choices import CaseStage, MonthlyReportStatus, ResourceKind, VisitKind
from .filters import (
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
    client_search_q,
)
from .forms import (
    ActivityForm,
    ActivityPhotoConsentForm,
    CampaignTagForm,
    CaseCloseForm,
    CaseForm,
    CaseGoalEditForm,
    CaseGoalForm,
    CaseNoteForm,
    CasePlanSubmitForm,
    CaseTaskEditForm,
    CaseTaskForm,
    CaseTransferForm,
    CaseTransitionForm,
    CommentForm,
    DispatchForm,
    DispatchReportForm,
    FollowUpForm,
    GroupForm,
    GroupSessionForm,
    MonthlyReportSubmitForm,
    ReferralForm,
    ResourceLinkForm,
    VisitForm,
    VisitOutingForm,
    VolunteerForm,
    VolunteerServiceForm,
    user_station,
)
from .models import (
    Activity,
    ActivityPhoto,
    CampaignTag,
    Case,
    CaseGoal,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    GroupSession,
    MonthlyReport,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
    attach_tag_lists,
    attach_worker_lists,
    month_start,
    report_deadline,
    tags_listed_prefetch,
    workers_listed_prefetch,
)
from .tables import (
    ActivityTable,
    CampaignTagTable,
    CaseGoalTable,
    CaseTable,
    CaseTaskTable,
    DispatchTable,
    FollowUpTable,
    GroupTable,
    MonthlyReportGridTable,
    MonthlyReportTable,
    OpenNeedTable,
    ReferralTable,
    ResourceLinkTable,
    VisitTable,
    VolunteerServiceTable,
    VolunteerTable,
    names,
)


class ServiceListView(ObjectListView):
    """A list whose ``table_class`` (services/tables.py) gives the page's table and its export."""

    template_name = "services/object_list.html"
    add_url_name = None
    title = None

    def list_totals(self):
        """[(label, value)] shown under the table for the whole filtered list (not the page):
        what a figure sums, e.g. the value of the resources linked."""
        return []

    def people_served_part(self, label):
        """The ``people_served`` part of the listed records in the filter's ``part_since``..
        ``part_until`` (a group's session attendance, a case's service notes), or nothing."""
        since, until = self.filterset.part_range() if self.filterset is not None else (None, None)
        if not (since or until):
            return []
        return [(label, self.filterset.parts(since, until).filter(
            **{f"{self.filterset.part_owner}__in": self.object_list.order_by().values("pk")}))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title or self.get_model()._meta.verbose_name_plural,
                       add_url=reverse(self.add_url_name) if self.add_url_name and context["can_add"] else None,
                       list_totals=self.list_totals())
        return context


class ServiceEditView(ObjectEditView):
    template_name = "services/object_edit.html"


def _shown(value):
    return display(value) if isinstance(value, datetime.datetime) else value


class ServiceDetailView(ObjectDetailView):
    template_name = "services/object_detail.html"
    rows: list = []
    edit_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # times in Asia/Shanghai to the minute, as on the lists (never a raw "+00:00")
        context["rows"] = [(column.header, _shown(column.value(self.object))) for column in self.rows]
        if self.edit_url_name and context["can_change"]:
            context["edit_url"] = reverse(self.edit_url_name, args=[self.object.pk])
        return context


# ---------------------------------------------------------------------------- visits



class VisitListView(ServiceListView):
    queryset = Visit.objects.for_listing(tags=False)  # the page shows no tags; the export adds them
    prepare_rows = staticmethod(attach_worker_lists)
    export_prefetch = (tags_listed_prefetch(), workers_listed_prefetch())
    filterset_class = VisitFilterSet
    table_class = VisitTable
    add_url_name = "services:visit_add"


class VisitDetailView(ServiceDetailView):
    queryset = Visit.objects.select_related("client", "station", "created_by", "service_point").prefetch_related(
        "workers", "tags")
    rows = VisitTable.shown()[:-2] + [
        Column(_("what was found"), "findings"), Column(_("needs"), "needs"),
        Column(_("service point"), "service_point"),
        Column(_("kinds of help needed"), "need_kinds_display"),
        Column(_("risk update"), "get_risk_level_display"), Column(_("follow-up date"), "follow_up_on"),
        Column(_("campaign tags"), lambda v: names(v.tags.all())),
    ]
    template_name = "services/visit_detail.html"
    edit_url_name = "services:visit_edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resource_links"] = ResourceLink.objects.visible_to(self.request.user).filter(visit=self.object)
        return context


class VisitOutingView(ObjectEditView):
    """Log one outing: several clients, one submit, one visit each."""

    queryset = Visit.objects.all()
    form_class = VisitOutingForm
    template_name = "services/visit_outing.html"

    def get_initial(self):
        """Pre-filled from a "log a visit" link: ``?client=<id>&visited_on=<date>&kind=<kind>``
        (the client offered only if the user can see them; a bad value is simply not used)."""
        initial = super().get_initial()
        query = self.request.GET
        if query.get("client", "").isdigit():
            client = Client.objects.visible_to(self.request.user).active().filter(pk=int(query["client"])).first()
            if client is not None:
                initial["clients"] = [client.pk]
        try:
            day = datetime.date.fromisoformat(query.get("visited_on", ""))
        except ValueError:
            day = None
        if day is not None and day <= timezone.localdate():
            initial["visited_on"] = day
        if query.get("kind") in VisitKind.values:
            initial["kind"] = query["kind"]
        return initial

    def form_valid(self, form):
        visits = form.save()
        messages.success(self.request, gettext("%(count)d visits saved.") % {"count": len(visits)}
                         if len(visits) != 1 else gettext("The visit is saved."))
        if len(visits) == 1:
            return HttpResponseRedirect(visits[0].get_absolute_url())
        return HttpResponseRedirect(reverse("services:my_day"))


class VisitEditView(ServiceEditView):
    queryset = Visit.objects.select_related("client", "station")
    form_class = VisitForm


class ClientSearchView(LoginRequiredMixin, View):
    """htmx: the worker's visible active clients matching name, pinyin, initials or ID tail."""

    def get(self, request):
        if not request.user.has_perm("services.add_visit") and not request.user.has_perm("services.add_case"):
            raise PermissionDenied
        value = request.GET.get("q", "").strip()
        results = []
        if value:
            results = list(
                Client.objects.visible_to(request.user).active().filter(client_search_q(value))
                .select_related("station").order_by("name", "pk")[:20]
            )
        return render(request, "services/client_search_results.html", {
            "results": results, "field": request.GET.get("field", "clients"),
            "multiple": request.GET.get("multiple", "1") == "1", "query": value,
        })


# ---------------------------------------------------------------------------- follow-ups


class FollowUpListView(ServiceListView):
    """Follow-ups, open ones by default (``?due=``: overdue, today, week, open, answered)."""

    queryset = FollowUp.objects.select_related("client", "station", "worker")
    filterset_class = FollowUpFilterSet
    table_class = FollowUpTable
    add_url_name = "services:followup_add"

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if not self.request.GET.get("due"):
            queryset = queryset.open()
        return queryset


class FollowUpDetailView(ServiceDetailView):
    queryset = FollowUp.objects.select_related("client", "station", "worker", "promised_by", "answered_by")
    template_name = "services/followup_detail.html"
    rows = FollowUpTable.shown()[:-1] + [
        Column(_("promised by visit"), "promised_by"), Column(_("answered by visit"), "answered_by"),
    ]
    edit_url_name = "services:followup_edit"


class FollowUpEditView(ServiceEditView):
    queryset = FollowUp.objects.all()
    form_class = FollowUpForm

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("client", "").isdigit():
            initial["client"] = int(self.request.GET["client"])
        return initial


# ---------------------------------------------------------------------------- resource links



class ResourceLinkListView(ServiceListView):
    queryset = ResourceLink.objects.select_related("station", "client", "visit", "case", "activity")
    # A page's 50 ids are picked from resource_station_date_idx, then only those rows joined: the
    # whole scope's links joined with every visit and sorted took 0.6-0.8 s for a county at city
    # scale (bench crawl, docs/scaling.md).
    rows_by_id = True
    filterset_class = ResourceLinkFilterSet
    table_class = ResourceLinkTable
    add_url_name = "services:resourcelink_add"

    def list_totals(self):
        total = self.object_list.aggregate(total=Sum("value"))["total"] or 0
        return [(_("Total value (yuan)"), f"{total:.2f}")]


class ResourceLinkDetailView(ServiceDetailView):
    queryset = ResourceLink.objects.select_related("station", "client", "visit", "case", "activity", "partner")
    rows = ResourceLinkTable.shown() + [
        Column(_("partner"), "partner"), Column(_("source kind"), "get_source_kind_display"), Column(_("visit"), "visit"),
        Column(_("case"), "case"), Column(_("activity"), "activity"),
    ]
    edit_url_name = "services:resourcelink_edit"


class ResourceLinkEditView(ServiceEditView):
    queryset = ResourceLink.objects.all()
    form_class = ResourceLinkForm

    def get_initial(self):
        initial = super().get_initial()
        for name in ("client", "visit", "case", "activity", "partner"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        if self.request.GET.get("kind") in ResourceKind.values:
            initial["kind"] = self.request.GET["kind"]
        if self.request.GET.get("station", "").isdigit():
            initial["station"] = int(self.request.GET["station"])
        return initial


# ---------------------------------------------------------------------------- cases



class CaseListView(ServiceListView):
    queryset = Case.objects.select_related("station", "manager").prefetch_related("clients")
    filterset_class = CaseFilterSet
    table_class = CaseTable
    add_url_name = "services:case_add"

    def list_totals(self):
        return [(label, parts.count()) for label, parts in self.people_served_part(_("service notes in the period"))]


class CaseDetailView(ServiceDetailView):
    queryset = Case.objects.select_related("station", "manager").prefetch_related("clients")
    template_name = "services/case_detail.html"
    rows = CaseTable.shown() + [
        Column(_("presenting problem"), "problem"), Column(_("goals"), "goals"),
        Column(_("closure reason"), "get_closure_reason_display"), Column(_("closure summary"), "closure_note"),
    ]
    edit_url_name = "services:case_edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        context["notes"] = case.notes.select_related("author", "goal")
        context["changes"] = case.stage_changes.select_related("by")
        context["goals"] = case.plan_goals.all()
        context["tasks"] = case.plan_tasks.select_related("owner", "goal")
        context["events"] = case.events.select_related("by")
        context["is_approver"] = services.is_case_approver(user, case)
        context["caseload_warning"] = services.caseload_warning(case.manager) if case.is_open else None
        context["comment_form"] = CommentForm()
        if context["can_change"]:
            for name, form_class in (("transition_form", CaseTransitionForm), ("note_form", CaseNoteForm),
                                     ("goal_form", CaseGoalForm), ("task_form", CaseTaskForm),
                                     ("plan_form", CasePlanSubmitForm), ("close_form", CaseCloseForm),
                                     ("transfer_form", CaseTransferForm)):
                context[name] = kwargs.get(name) or form_class(case=case, user=user)
        return context


class CaseEditView(ServiceEditView):
    queryset = Case.objects.all()
    form_class = CaseForm

    def form_valid(self, form):
        response = super().form_valid(form)
        warning = services.caseload_warning(self.object.manager) if self.object is not None else None
        if warning:
            messages.warning(self.request, warning)
        return response


class CaseFormActionView(ObjectActionView):
    """POST a stage transition or a service note from the case page; a refusal re-shows the
    case page with the form's errors."""

    queryset = Case.objects.all()
    detail_view = CaseDetailView
    form_object_kwarg = "case"


class CaseTransitionView(CaseFormActionView):
    title = _("Move the case")
    form_class = CaseTransitionForm
    form_context_name = "transition_form"
    success_message = _("The case moved to its next stage.")


class CaseNoteView(CaseFormActionView):
    title = _("Add note")
    form_class = CaseNoteForm
    form_context_name = "note_form"
    success_message = _("The service note is saved.")


class CaseGoalAddView(CaseFormActionView):
    title = _("Add a goal")
    form_class = CaseGoalForm
    form_context_name = "goal_form"
    success_message = _("The goal is added to the plan.")


class CaseTaskAddView(CaseFormActionView):
    title = _("Add a task")
    form_class = CaseTaskForm
    form_context_name = "task_form"
    success_message = _("The task is added to the plan.")


class CasePlanSubmitView(CaseFormActionView):
    title = _("Submit the plan for approval")
    form_class = CasePlanSubmitForm
    form_context_name = "plan_form"
    success_message = _("The plan is submitted for approval.")


class CaseCloseView(CaseFormActionView):
    title = _("Close the case")
    form_class = CaseCloseForm
    form_context_name = "close_form"

    def get_success_message(self):
        return (gettext("The case is closed.") if not self.result.is_open
                else gettext("The closure is requested: the station head or the supervisor approves it."))


class CaseTransferView(CaseFormActionView):
    title = _("Hand the case to another worker")
    form_class = CaseTransferForm
    form_context_name = "transfer_form"
    success_message = _("The case is handed over.")

    def get_success_message(self):
        warning = services.caseload_warning(self.result.manager)
        if warning:
            messages.warning(self.request, warning)
        return super().get_success_message()


class CaseDecisionView(ObjectActionView):
    """The station head or the center's supervisor approves or returns a plan or a closure
    (the service checks who they are)."""

    action = "view"
    queryset = Case.objects.all()
    form_class = CommentForm
    errors_as_messages = True  # the comment box sits on the case's page
    decide = None
    approve = True

    def perform(self, case, request, form_data):
        return type(self).decide(case=case, user=request.user, approve=self.approve, comment=form_data["comment"])


class CasePlanApproveView(CaseDecisionView):
    title = _("Approve the plan")
    success_message = _("The plan is approved.")
    decide = staticmethod(services.case_plan_decide)


class CasePlanReturnView(CaseDecisionView):
    title = _("Return the plan with a comment")
    success_message = _("The plan is returned to the worker.")
    decide = staticmethod(services.case_plan_decide)
    approve = False


class CaseClosureApproveView(CaseDecisionView):
    title = _("Approve the closure")
    success_message = _("The case is closed.")
    decide = staticmethod(services.case_closure_decide)


class CaseClosureReturnView(CaseDecisionView):
    title = _("Return the closure with a comment")
    success_message = _("The case stays open.")
    decide = staticmethod(services.case_closure_decide)
    approve = False


class CaseGoalListView(ServiceListView):
    """Goals of case plans and their review dates (``?due=`` as for follow-ups is not needed:
    the review date sorts them)."""

    queryset = CaseGoal.objects.select_related("case", "case__station")
    filterset_class = CaseGoalFilterSet
    table_class = CaseGoalTable


class CaseGoalDetailView(ServiceDetailView):
    queryset = CaseGoal.objects.select_related("case", "case__station")
    rows = CaseGoalTable.shown()
    edit_url_name = "services:casegoal_edit"


class CaseGoalEditView(ServiceEditView):
    queryset = CaseGoal.objects.select_related("case")
    form_class = CaseGoalEditForm

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            raise Http404  # goals are added from the case page
        return super().get_object(queryset)


class CaseTaskListView(ServiceListView):
    queryset = CaseTask.objects.select_related("case", "case__station", "owner", "goal")
    filterset_class = CaseTaskFilterSet
    table_class = CaseTaskTable


class CaseTaskDetailView(ServiceDetailView):
    queryset = CaseTask.objects.select_related("case", "case__station", "owner", "goal")
    rows = CaseTaskTable.shown()
    edit_url_name = "services:casetask_edit"


class CaseTaskEditView(ServiceEditView):
    queryset = CaseTask.objects.select_related("case")
    form_class = CaseTaskEditForm

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            raise Http404  # tasks are added from the case page
        return super().get_object(queryset)


# ---------------------------------------------------------------------------- groups



def _per_group(rows, aggregate, output_field):
    """One figure of each listed group over its ``rows`` (sessions, members), as a correlated
    subquery: it runs for the page's rows only, after the LIMIT."""
    return Subquery(rows.filter(group=OuterRef("pk")).order_by().values("group").annotate(value=aggregate)
                    .values("value"), output_field=output_field)


class GroupListView(ServiceListView):
    # Each figure a subquery per listed group: counted over the joins of members and sessions
    # (Count(distinct) of a join), a county's 300 groups fanned out to 10,000 rows (9 members x 6
    # sessions each) before the period's filters and the GROUP BY, in the page query and in its
    # count: 47 + 19 ms for a county bureau at city scale, ~3 ms now (docs/scaling.md).
    queryset = Group.objects.select_related("station", "leader").annotate(
        member_count=Coalesce(_per_group(Group.members.through.objects, Count("*"), IntegerField()), 0),
        session_count=Coalesce(_per_group(GroupSession.objects, Count("*"), IntegerField()), 0),
        first_session_on=_per_group(GroupSession.objects, Min("held_on"), DateField()),
        attendance_total=_per_group(GroupSession.objects, Sum("attendance_count"), IntegerField()),
    ).order_by("-created_on", "-id")
    filterset_class = GroupFilterSet
    table_class = GroupTable
    add_url_name = "services:group_add"

    def list_totals(self):
        return [(label, parts.aggregate(n=Sum("attendance_count"))["n"] or 0)
                for label, parts in self.people_served_part(_("session attendance in the period"))]


class GroupDetailView(ServiceDetailView):
    queryset = Group.objects.select_related("station", "leader", "service_point").prefetch_related("members", "tags")
    template_name = "services/group_detail.html"
    rows = [
        Column(_("theme"), "theme"), Column(_("station"), "station"), Column(_("service point"), "service_point"),
        Column(_("start date"), "created_on"),
        Column(_("group leader"), "leader"), Column(_("planned sessions"), "planned_sessions"),
        Column(_("goals"), "goals"), Column(_("members"), lambda g: names(g.members.all())),
        Column(_("campaign tags"), lambda g: names(g.tags.all())),
    ]
    edit_url_name = "services:group_edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sessions"] = self.object.sessions.prefetch_related("attendees")
        if context["can_change"]:
            context["session_form"] = kwargs.get("session_form") or GroupSessionForm(
                group=self.object, user=self.request.user)
        return context


class GroupEditView(ServiceEditView):
    queryset = Group.objects.all()
    form_class = GroupForm


class GroupSessionAddView(ObjectActionView):
    queryset = Group.objects.all()
    title = _("Record a session")
    form_class = GroupSessionForm
    detail_view = GroupDetailView
    form_context_name = "session_form"
    success_message = _("The session is saved.")
    form_object_kwarg = "group"


# ---------------------------------------------------------------------------- activities



class ActivityListView(ServiceListView):
    queryset = Activity.objects.select_related("station")
    rows_by_id = True  # a page's ids from activity_date_idx or activity_station_date_idx, then its rows
    prepare_rows = staticmethod(attach_tag_lists)
    export_prefetch = (tags_listed_prefetch(),)
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    add_url_name = "services:activity_add"

    def list_totals(self):
        return [(_("participants"), self.object_list.aggregate(n=Sum("participant_count"))["n"] or 0)]


class ActivityDetailView(ServiceDetailView):
    queryset = Activity.objects.select_related("station", "service_point").prefetch_related(
        "tags", "participants", "workers", "photos")
    template_name = "services/activity_detail.html"
    rows = ActivityTable.shown() + [
        Column(_("service point"), "service_point"),
        Column(_("location"), "location"), Column(_("workers"), lambda a: names(a.workers.all())),
        Column(_("registered participants"), lambda a: names(a.participants.all())),
        Column(_("highlight"), "highlight"),
        Column(_("resources linked"), lambda a: names(a.resource_links.all())),
    ]
    edit_url_name = "services:activity_edit"


class ActivityPhotoConsentView(ObjectActionView):
    """Mark a photo as publishable (consent given) or not, and as showing children; only a
    publishable photo can go into the journal (``ActivityPhoto.objects.publishable``)."""

    queryset = ActivityPhoto.objects.select_related("activity")
    title = _("Consent to publication")
    form_class = ActivityPhotoConsentForm
    form_object_kwarg = "photo"
    success_message = _("The photo's consent to publication is saved.")

    def get_model(self):
        return Activity  # changing a photo's consent is changing the activity

    def perform(self, obj, request, form_data):
        return services.activity_photo_consent(photo=obj, **form_data)

    def get_object_url(self):
        return self.object.activity.get_absolute_url()


class ActivityEditView(ServiceEditView):
    queryset = Activity.objects.all()
    form_class = ActivityForm


# ---------------------------------------------------------------------------- referrals



class ReferralListView(ServiceListView):
    queryset = Referral.objects.select_related("station", "client")
    filterset_class = ReferralFilterSet
    table_class = ReferralTable
    add_url_name = "services:referral_add"


class ReferralDetailView(ServiceDetailView):
    queryset = Referral.objects.select_related("station", "client", "case")
    rows = ReferralTable.shown() + [Column(_("case"), "case"), Column(_("reason"), "reason"),
                               Column(_("outcome"), "outcome")]
    edit_url_name = "services:referral_edit"


class ReferralEditView(ServiceEditView):
    queryset = Referral.objects.all()
    form_class = ReferralForm


# ---------------------------------------------------------------------------- dispatch



class DispatchListView(ServiceListView):
    queryset = Dispatch.objects.select_related("station", "issued_by")
    filterset_class = DispatchFilterSet
    table_class = DispatchTable
    add_url_name = "services:dispatch_add"
    template_name = "services/dispatch_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overdue_count"] = Dispatch.objects.visible_to(self.request.user).overdue().count()
        return context


class DispatchDetailView(ServiceDetailView):
    queryset = Dispatch.objects.select_related("station", "issued_by", "accepted_by", "client")
    template_name = "services/dispatch_detail.html"
    rows = DispatchTable.shown() + [
        Column(_("source"), "get_source_display"), Column(_("details"), "description"),
        Column(_("client"), "client"), Column(_("accepted on"), "accepted_on"),
        Column(_("accepted by"), "accepted_by"), Column(_("report back"), "report"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = getattr(self.request.user, "staff", None)
        dispatch = self.object
        context["station_side"] = staff is not None and staff.station_id == dispatch.station_id
        context["sender_side"] = staff is not None and staff.role in services.DISPATCHING_ROLES
        context["report_form"] = kwargs.get("report_form") or DispatchReportForm()
        return context


class DispatchEditView(ServiceEditView):
    queryset = Dispatch.objects.all()
    form_class = DispatchForm


class DispatchActionView(ObjectActionView):
    """The station accepts a dispatch and reports back; the sender closes it (the service
    checks which side the user is on)."""

    action = "view"
    queryset = Dispatch.objects.all()
    errors_as_messages = True  # the forms sit on the dispatch's page


class DispatchAcceptView(DispatchActionView):
    title = _("Accept")
    success_message = _("The dispatch is accepted.")

    def perform(self, dispatch, request, form_data):
        services.dispatch_accept(dispatch=dispatch, user=request.user)


class DispatchReportView(DispatchActionView):
    title = _("Send report back")
    form_class = DispatchReportForm
    success_message = _("The report back is sent.")

    def perform(self, dispatch, request, form_data):
        services.dispatch_report_back(dispatch=dispatch, user=request.user, report=form_data["report"])


class DispatchCloseView(DispatchActionView):
    title = _("Confirm and close")
    success_message = _("The dispatch is closed.")

    def perform(self, dispatch, request, form_data):
        services.dispatch_close(dispatch=dispatch, user=request.user)


# ---------------------------------------------------------------------------- monthly reports



class MonthlyReportListView(ServiceListView):
    """Per station per month: status, and whether it came in on time (by the 5th)."""

    queryset = MonthlyReport.objects.select_related("station")
    filterset_class = MonthlyReportFilterSet
    table_class = MonthlyReportTable
    template_name = "services/monthlyreport_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        # the filter form has already said what is wrong with a bad year; the table shows this one
        year = YearField(required=False).clean_or_none(self.request.GET.get("year")) or today.year
        months = [datetime.date(year, m, 1) for m in range(1, 13) if datetime.date(year, m, 1) < month_start(today)]
        stations = Station.objects.visible_to(user).values_list("pk", "short_name")
        reports = {(r.station_id, r.month): r for r in MonthlyReport.objects.visible_to(user).filter(
            month__year=year).only("station", "month", "status", "on_time")}
        late = [today > report_deadline(month) for month in months]
        rows = []
        for station_id, short_name in stations:
            cells = []
            for month, past_deadline in zip(months, late, strict=True):
                report = reports.get((station_id, month))
                cells.append((report, report is None and past_deadline))
            rows.append({"station_id": station_id, "station": short_name, "cells": cells})
        context.update(status_table=MonthlyReportGridTable(rows, user=user, months=months), months=months, year=year,
                       years=range(2023, today.year + 1))
        station = user_station(user)
        staff = getattr(user, "staff", None)
        if station is not None and staff is not None and staff.role == "station_head":
            context["submit_form"] = MonthlyReportSubmitForm(station=station, user=user)
        return context


class MonthlyReportSubmitView(LoginRequiredMixin, View):
    def get(self, request):
        """A typed submit URL opens the monthly reports, where the submit form is."""
        return HttpResponseRedirect(reverse("services:monthlyreport_list"))

    def post(self, request):
        if not request.user.has_perm("services.submit_monthlyreport"):
            raise PermissionDenied
        station = user_station(request.user)
        if station is None:
            raise PermissionDenied
        form = MonthlyReportSubmitForm(request.POST, station=station, user=request.user)
        if form.is_valid():
            messages.success(request, gettext("The monthly report is submitted."))
            return HttpResponseRedirect(form.saved.get_absolute_url())
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return HttpResponseRedirect(reverse("services:monthlyreport_list"))


class MonthlyReportDetailView(ServiceDetailView):
    queryset = MonthlyReport.objects.select_related("station", "submitted_by")
    template_name = "services/monthlyreport_detail.html"
    rows = MonthlyReportTable.shown() + [Column(_("deadline"), "deadline"), Column(_("work summary"), "summary")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        context["events"] = report.events.select_related("by")
        context["comment_form"] = CommentForm()
        status = report.status
        context["can_review"] = user.has_perm("services.review_monthlyreport") and status == MonthlyReportStatus.SUBMITTED
        context["can_approve"] = (user.has_perm("services.approve_monthlyreport")
                                  and status == MonthlyReportStatus.REVIEWED)
        context["can_reopen"] = user.has_perm("services.approve_monthlyreport") and status == MonthlyReportStatus.APPROVED
        context["month_figures"] = hooks.monthly_figures(report=report, user=user)
        return context


class MonthlyReportActionView(ObjectActionView):
    """Review, approval and reopening of a month (the service checks the user's role)."""

    action = "view"
    queryset = MonthlyReport.objects.all()
    form_class = CommentForm
    errors_as_messages = True  # the comment box sits on the report's page


class MonthlyReportPassView(MonthlyReportActionView):
    title = _("Pass review")

    def perform(self, report, request, form_data):
        services.monthly_report_review(report=report, user=request.user, passed=True, comment=form_data["comment"])


class MonthlyReportReturnView(MonthlyReportActionView):
    title = _("Return with comment")

    def perform(self, report, request, form_data):
        services.monthly_report_review(report=report, user=request.user, passed=False, comment=form_data["comment"])


class MonthlyReportApproveView(MonthlyReportActionView):
    title = _("Approve and lock the month")

    def perform(self, report, request, form_data):
        services.monthly_report_approve(report=report, user=request.user, comment=form_data["comment"])


class MonthlyReportReopenView(MonthlyReportActionView):
    title = _("Reopen the month")

    def perform(self, report, request, form_data):
        services.monthly_report_reopen(report=report, user=request.user, reason=form_data["comment"])


# ---------------------------------------------------------------------------- campaign tags


class CampaignTagListView(ServiceListView):
    queryset = CampaignTag.objects.all()
    table_class = CampaignTagTable
    add_url_name = "services:campaigntag_add"

    def get_base_queryset(self):
        return self.queryset.all()  # campaign tags are county-wide labels, not station data


class CampaignTagEditView(ServiceEditView):
    queryset = CampaignTag.objects.all()
    form_class = CampaignTagForm

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        return get_object_or_404(CampaignTag, pk=self.kwargs["pk"])

    def get_success_url(self):
        return reverse("services:campaigntag_list")


# ---------------------------------------------------------------------------- my day


class LandingView(LoginRequiredMixin, View):
    """Where login lands (``LOGIN_REDIRECT_URL``): a station's own staff on "my day", everyone
    else on the dashboard."""

    def get(self, request):
        staff = getattr(request.user, "staff", None)
        if staff is not None and staff.station_id and request.user.has_perm("services.add_visit"):
            return HttpResponseRedirect(reverse("services:my_day"))
        return HttpResponseRedirect(reverse("home"))


MY_DAY_ROWS = 20  # per list; each says how many there are and links to all of them


class MyDayView(LoginRequiredMixin, TemplateView):
    """A social worker's day: follow-ups due (promised by visits or planned), who is due or
    overdue by the visit interval, open cases, dispatched tasks. Every list says how many and
    links to all; every person has "log a visit" (the form pre-filled)."""

    template_name = "services/my_day.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=7)
        staff = getattr(user, "staff", None)
        clients = Client.objects.visible_to(user).active().filter(next_visit_due__lte=soon).select_related("station")
        follow_ups = FollowUp.objects.visible_to(user).open().filter(due_on__lte=soon).select_related("client")
        worker_query = ""
        if staff is not None:
            mine = clients.filter(worker=staff)
            if mine.exists():
                clients, worker_query = mine, f"&worker={staff.pk}"
            my_follow_ups = follow_ups.filter(Q(worker=staff) | Q(client__worker=staff))
            if my_follow_ups.exists():
                follow_ups = my_follow_ups
        cases = Case.objects.visible_to(user).exclude(stage=CaseStage.CLOSED).select_related("manager")
        if staff is not None and staff.station_id:
            cases = cases.filter(manager=staff) if cases.filter(manager=staff).exists() else cases
        sections = []
        for key, title, rows, badge in (
            ("overdue", _("Follow-ups overdue"), follow_ups.filter(due_on__lt=today), "danger"),
            ("today", _("Follow-ups due today"), follow_ups.filter(due_on=today), "warning"),
            ("week", _("Follow-ups due this week"), follow_ups.filter(due_on__gt=today), "info"),
        ):
            rows = rows.order_by("due_on", "pk")
            sections.append({"key": key, "title": title, "badge": badge, "rows": list(rows[:MY_DAY_ROWS]),
                             "count": rows.count(),
                             "all_url": f"{reverse('services:followup_list')}?due={key}"})
        worklist = reverse("clients:worklist")
        overdue = clients.filter(next_visit_due__lt=today).order_by("next_visit_due", "pk")
        due = clients.filter(next_visit_due__gte=today).order_by("next_visit_due", "pk")
        context.update(
            today=today,
            follow_up_sections=sections,
            overdue_clients=list(overdue[:MY_DAY_ROWS]),
            overdue_count=overdue.count(),
            overdue_url=f"{worklist}?overdue=yes{worker_query}",
            due_clients=list(due[:MY_DAY_ROWS]),
            due_count=due.count(),
            due_url=f"{worklist}?overdue=soon{worker_query}",
            open_cases=list(cases.prefetch_related("clients").order_by("intake_on")[:30]),
            dispatches=list(Dispatch.objects.visible_to(user).open().select_related("station", "issued_by")
                            .order_by("deadline")[:30]),
            todays_visits=Visit.objects.visible_to(user).filter(visited_on=today).count(),
            can_add_visit=user.has_perm("services.add_visit"),
            can_plan=user.has_perm("services.add_followup"),
        )
        return context


# ---------------------------------------------------------------------------- volunteers


class VolunteerListView(ServiceListView):
    queryset = Volunteer.objects.select_related("station").order_by("station__town__code", "name", "pk")
    filterset_class = VolunteerFilterSet
    table_class = VolunteerTable
    add_url_name = "services:volunteer_add"


class VolunteerDetailView(ServiceDetailView):
    """A volunteer with their service records and total hours."""

    queryset = Volunteer.objects.select_related("station")
    template_name = "services/volunteer_detail.html"
    edit_url_name = "services:volunteer_edit"

    def get_context_data(self, **kwargs):
        from clients.privacy import phone_for

        context = super().get_context_data(**kwargs)
        volunteer = self.object
        context["rows"] = [
            (_("station"), volunteer.station), (_("kind"), volunteer.get_kind_display()),
            (_("gender"), volunteer.get_gender_display()), (_("organisation or school"), volunteer.organisation),
            (_("skills"), volunteer.skills), (_("phone"), phone_for(self.request.user, volunteer.phone)),
            (_("active"), gettext("Yes") if volunteer.is_active else gettext("No")),
        ]
        services_done = volunteer.services.select_related(
            "activity", "group_session__group", "visit__client").order_by("-served_on", "-pk")
        context["service_table"] = VolunteerServiceTable(services_done, user=self.request.user)
        context["total_hours"] = services_done.aggregate(total=Sum("hours"))["total"] or 0
        context["can_record"] = self.request.user.has_perm("services.add_volunteerservice")
        return context


class VolunteerEditView(ServiceEditView):
    queryset = Volunteer.objects.all()
    form_class = VolunteerForm


class VolunteerDeactivateView(ObjectActionView):
    """A volunteer who no longer serves: kept with their service records, offered no more."""

    queryset = Volunteer.objects.all()
    title = _("Deactivate volunteer")

    def perform(self, volunteer, request, form_data):
        services.volunteer_deactivate(volunteer=volunteer)

    def get_success_message(self):
        return _("%(name)s is now inactive.") % {"name": self.object.name}


class VolunteerServiceListView(ServiceListView):
    """Volunteer service records; with a period and a station it is the list behind the
    ``volunteers`` and ``volunteer_hours`` figures: its totals are those figures."""

    queryset = VolunteerService.objects.select_related(
        "volunteer", "station", "activity", "group_session__group", "visit__client")
    filterset_class = VolunteerServiceFilterSet
    table_class = VolunteerServiceTable
    add_url_name = "services:volunteerservice_add"

    def list_totals(self):
        totals = self.object_list.aggregate(hours=Sum("hours"), people=Count("volunteer", distinct=True))
        return [(_("volunteers"), totals["people"] or 0), (_("volunteer hours"), totals["hours"] or 0)]


class VolunteerServiceDetailView(ServiceDetailView):
    queryset = VolunteerService.objects.select_related(
        "volunteer", "station", "activity", "group_session__group", "visit__client")
    rows = [
        Column(_("volunteer"), "volunteer"), Column(_("station"), "station"), Column(_("date"), "served_on"),
        Column(pgettext_lazy("volunteer", "hours"), "hours"), Column(_("community activity"), "activity"),
        Column(_("group session"), "group_session"), Column(_("visit"), "visit"),
        Column(_("description"), "description"),
    ]
    edit_url_name = "services:volunteerservice_edit"


class VolunteerServiceEditView(ServiceEditView):
    queryset = VolunteerService.objects.all()
    form_class = VolunteerServiceForm

    def get_initial(self):
        initial = super().get_initial()
        for name in ("volunteer", "activity", "group_session", "visit"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        activity = initial.get("activity")
        if activity:  # "record volunteers" on an activity: its date
            found = Activity.objects.visible_to(self.request.user).filter(pk=activity).values_list(
                "held_on", flat=True).first()
            if found:
                initial["served_on"] = found
        return initial


# ---------------------------------------------------------------------------- open needs


class OpenNeedsView(ObjectPermissionMixin, TemplateView):
    """待对接需求: visits' kinds of help needed, not yet met by a resource link of that kind for
    that client after the visit, each with the county's partners who offer it; one click opens
    the resource-link form with the client, visit, kind and partner filled in."""

    queryset = Visit.objects.all()
    template_name = "services/open_needs.html"

    def get_context_data(self, **kwargs):
        from partners.choices import HelpKind

        from .needs import DEFAULT_DAYS, MAX_ROWS, open_needs

        context = super().get_context_data(**kwargs)
        rows = open_needs(self.request.user)
        # 50 a page like every list (a county's 300 rows written at once: 40-80 ms, make bench's crawl)
        paged = page_of_rows(self.request, rows)
        shown = paged["page_obj"].object_list
        labels = dict(HelpKind.choices)
        for row in shown:
            row.items = [(kind, labels.get(kind, kind), row.suggestions.get(kind, [])) for kind in row.kinds]
        context.update(rows=rows, table=OpenNeedTable(shown, user=self.request.user), days=DEFAULT_DAYS, **paged,
                       capped=len(rows) >= MAX_ROWS, max_rows=MAX_ROWS,
                       can_link=self.request.user.has_perm("services.add_resourcelink"))
        return context
