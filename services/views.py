import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Min, OuterRef, Subquery, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from clients.models import Client
from portal.filters import YearField
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from portal.xlsx import Column
from stations.models import Station

from . import services
from .choices import CaseStage, MonthlyReportStatus
from .filters import (
    ActivityFilterSet,
    CaseFilterSet,
    DispatchFilterSet,
    GroupFilterSet,
    MonthlyReportFilterSet,
    ReferralFilterSet,
    ResourceLinkFilterSet,
    VisitFilterSet,
    client_search_q,
)
from .forms import (
    ActivityForm,
    ActivityPhotoConsentForm,
    CampaignTagForm,
    CaseForm,
    CaseNoteForm,
    CaseTransitionForm,
    CommentForm,
    DispatchForm,
    DispatchReportForm,
    GroupForm,
    GroupSessionForm,
    MonthlyReportSubmitForm,
    ReferralForm,
    ResourceLinkForm,
    VisitForm,
    VisitOutingForm,
    user_station,
)
from .models import (
    Activity,
    ActivityPhoto,
    CampaignTag,
    Case,
    Dispatch,
    Group,
    GroupSession,
    MonthlyReport,
    Referral,
    ResourceLink,
    Visit,
    attach_worker_lists,
    month_start,
    report_deadline,
    tags_listed_prefetch,
    workers_listed_prefetch,
)
from .tables import (
    ActivityTable,
    CampaignTagTable,
    CaseTable,
    DispatchTable,
    GroupTable,
    MonthlyReportTable,
    ReferralTable,
    ResourceLinkTable,
    VisitTable,
    names,
)


class ServiceListView(ObjectListView):
    """A list whose ``table_class`` (services/tables.py) gives the page's table and its export."""

    template_name = "services/object_list.html"
    add_url_name = None
    title = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title or self.get_model()._meta.verbose_name_plural,
                       add_url=reverse(self.add_url_name) if self.add_url_name and context["can_add"] else None)
        return context


class ServiceEditView(ObjectEditView):
    template_name = "services/object_edit.html"


class ServiceDetailView(ObjectDetailView):
    template_name = "services/object_detail.html"
    rows: list = []
    edit_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(column.header, column.value(self.object)) for column in self.rows]
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
    queryset = Visit.objects.select_related("client", "station", "created_by").prefetch_related("workers", "tags")
    rows = VisitTable.shown()[:-2] + [
        Column(_("what was found"), "findings"), Column(_("needs"), "needs"),
        Column(_("risk update"), "get_risk_level_display"), Column(_("follow-up date"), "follow_up_on"),
        Column(_("campaign tags"), lambda v: names(v.tags.all())),
        Column(_("resources linked"), lambda v: names(v.resource_links.all())),
    ]
    edit_url_name = "services:visit_edit"


class VisitOutingView(ObjectEditView):
    """Log one outing: several clients, one submit, one visit each."""

    queryset = Visit.objects.all()
    form_class = VisitOutingForm
    template_name = "services/visit_outing.html"

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


# ---------------------------------------------------------------------------- resource links



class ResourceLinkListView(ServiceListView):
    queryset = ResourceLink.objects.select_related("station", "client")
    filterset_class = ResourceLinkFilterSet
    table_class = ResourceLinkTable
    add_url_name = "services:resourcelink_add"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total_value"] = self.object_list.aggregate(total=Sum("value"))["total"]
        return context


class ResourceLinkDetailView(ServiceDetailView):
    queryset = ResourceLink.objects.select_related("station", "client", "visit", "case", "activity")
    rows = ResourceLinkTable.shown() + [
        Column(_("source kind"), "get_source_kind_display"), Column(_("visit"), "visit"),
        Column(_("case"), "case"), Column(_("activity"), "activity"),
    ]
    edit_url_name = "services:resourcelink_edit"


class ResourceLinkEditView(ServiceEditView):
    queryset = ResourceLink.objects.all()
    form_class = ResourceLinkForm

    def get_initial(self):
        initial = super().get_initial()
        for name in ("case", "activity"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        return initial


# ---------------------------------------------------------------------------- cases



class CaseListView(ServiceListView):
    queryset = Case.objects.select_related("station", "manager").prefetch_related("clients")
    filterset_class = CaseFilterSet
    table_class = CaseTable
    add_url_name = "services:case_add"


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
        case = self.object
        context["notes"] = case.notes.select_related("author")
        context["changes"] = case.stage_changes.select_related("by")
        if context["can_change"]:
            context["transition_form"] = kwargs.get("transition_form") or CaseTransitionForm(
                case=case, user=self.request.user)
            context["note_form"] = kwargs.get("note_form") or CaseNoteForm(case=case, user=self.request.user)
        return context


class CaseEditView(ServiceEditView):
    queryset = Case.objects.all()
    form_class = CaseForm


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


# ---------------------------------------------------------------------------- groups



class GroupListView(ServiceListView):
    queryset = Group.objects.select_related("station", "leader").annotate(
        member_count=Count("members", distinct=True), session_count=Count("sessions", distinct=True),
        first_session_on=Min("sessions__held_on"),
        attendance_total=Subquery(
            GroupSession.objects.filter(group=OuterRef("pk")).values("group")
            .annotate(total=Sum("attendance_count")).values("total"), output_field=IntegerField()),
    ).order_by("-created_on", "-id")
    filterset_class = GroupFilterSet
    table_class = GroupTable
    add_url_name = "services:group_add"


class GroupDetailView(ServiceDetailView):
    queryset = Group.objects.select_related("station", "leader").prefetch_related("members", "tags")
    template_name = "services/group_detail.html"
    rows = [
        Column(_("theme"), "theme"), Column(_("station"), "station"), Column(_("start date"), "created_on"),
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
    queryset = Activity.objects.select_related("station").prefetch_related("tags")
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    add_url_name = "services:activity_add"


class ActivityDetailView(ServiceDetailView):
    queryset = Activity.objects.select_related("station").prefetch_related("tags", "participants", "workers",
                                                                            "photos")
    template_name = "services/activity_detail.html"
    rows = ActivityTable.shown() + [
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
        stations = list(Station.objects.visible_to(user).select_related("town"))
        reports = {(r.station_id, r.month): r for r in MonthlyReport.objects.visible_to(user).filter(month__year=year)}
        table = []
        for station in stations:
            cells = []
            for month in months:
                report = reports.get((station.pk, month))
                late = report is None and today > report_deadline(month)
                cells.append({"month": month, "report": report, "missing_late": late})
            table.append({"station": station, "cells": cells})
        context.update(status_table=table, months=months, year=year, years=range(2023, today.year + 1))
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


class MyDayView(LoginRequiredMixin, TemplateView):
    """A social worker's day: who is due or overdue for a visit, open cases, dispatched tasks."""

    template_name = "services/my_day.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=7)
        staff = getattr(user, "staff", None)
        clients = Client.objects.visible_to(user).active().filter(next_visit_due__lte=soon).select_related("station")
        if staff is not None and hasattr(Client, "worker"):
            mine = clients.filter(worker=staff)
            if mine.exists():
                clients = mine
        cases = Case.objects.visible_to(user).exclude(stage=CaseStage.CLOSED).select_related("manager")
        if staff is not None and staff.station_id:
            cases = cases.filter(manager=staff) if cases.filter(manager=staff).exists() else cases
        context.update(
            today=today,
            overdue_clients=list(clients.filter(next_visit_due__lt=today).order_by("next_visit_due", "pk")[:50]),
            due_clients=list(clients.filter(next_visit_due__gte=today).order_by("next_visit_due", "pk")[:50]),
            overdue_count=clients.filter(next_visit_due__lt=today).count(),
            open_cases=list(cases.prefetch_related("clients").order_by("intake_on")[:30]),
            dispatches=list(Dispatch.objects.visible_to(user).open().select_related("station", "issued_by")
                            .order_by("deadline")[:30]),
            todays_visits=Visit.objects.visible_to(user).filter(visited_on=today).count(),
            can_add_visit=user.has_perm("services.add_visit"),
        )
        return context

