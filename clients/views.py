import datetime
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import AccessLog
from accounts.services import access_log_record
from portal.forms import add_validation_error
from portal.scoping import visible_or_404
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
)
from portal.xlsx import list_workbook, xlsx_response
from stations.models import Staff, Station

from . import jobs, privacy, roster, services
from .filters import (
    DUE_SOON_DAYS,
    ClientFilterSet,
    HouseholdFilterSet,
    ScreeningCampaignFilterSet,
    WorklistFilterSet,
    in_list_order,
)
from .forms import (
    AssessmentForm,
    CategoryEndForm,
    CategoryMembershipForm,
    ClientCloseForm,
    ClientForm,
    HouseholdForm,
    HouseholdMemberForm,
    PolicyCategoryForm,
    RosterUploadForm,
    ScreeningCampaignForm,
    ScreeningRecordForm,
    VisitIntervalForm,
)
from .models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    PolicyCategory,
    RosterImportJob,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)
from .tables import (
    ClientTable,
    HouseholdTable,
    PolicyCategoryTable,
    ScreeningCampaignTable,
    ScreeningStationTable,
    VisitIntervalTable,
    WorklistStationTable,
    WorklistTable,
    WorklistWorkerTable,
)
from .timeline import timeline_for


def current_memberships():
    today = timezone.localdate()
    return Prefetch(
        "categories",
        queryset=CategoryMembership.objects.filter(start_on__lte=today).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=today)),
        to_attr="current_categories",
    )




class ClientListView(ObjectListView):
    queryset = Client.objects.select_related("station", "worker").prefetch_related(current_memberships())
    filterset_class = ClientFilterSet
    template_name = "clients/client_list.html"
    export_title = _("clients")
    table_class = ClientTable
    rows_by_id = True  # the scope's and the filters' columns are in indexes (docs/scaling.md)

    def get_base_queryset(self):
        return in_list_order(super().get_base_queryset(), self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["can_import"] = self.request.user.has_perm("clients.add_client")
        return context


class ClientDetailView(ObjectDetailView):
    queryset = Client.objects.select_related("station", "worker", "household").prefetch_related(
        "categories",
        Prefetch("assessments", queryset=Assessment.objects.select_related("assessor")),
        Prefetch("screenings", queryset=ScreeningRecord.objects.select_related("campaign")),
    )
    template_name = "clients/client_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        privacy.log_child_view(request=request, client=self.object)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client, user = self.object, self.request.user
        categories = list(client.categories.all())
        assessments = list(client.assessments.all())
        today = timezone.localdate()
        context.update(
            today=today,
            categories=categories,
            assessments=assessments,
            members=list(client.household.members.exclude(pk=client.pk)) if client.household_id else [],
            timeline=timeline_for(client, user),
            can_reveal=privacy.can_reveal_id(user, client),
            sees_birth_date=privacy.sees_birth_date(user),
            revealed_id=kwargs.get("revealed_id"),
            sees_disability=privacy.sees_disability(user),
            phone=privacy.phone_for(user, client.phone),
            due_soon=client.next_visit_due and today <= client.next_visit_due <= today + datetime.timedelta(
                days=DUE_SOON_DAYS),
            interval_days=services.visit_interval_days(client=client, on=client.last_visit_on or today),
            end_form=CategoryEndForm(),
        )
        return context


class ClientRevealView(ObjectPermissionMixin, View):
    """POST: show the full ID number once, and log it."""

    queryset = Client.objects.all()

    def get(self, request, pk):
        """A typed or bookmarked reveal URL opens the person's page (its reveal button posts here)."""
        return HttpResponseRedirect(visible_or_404(Client, request.user, pk=pk).get_absolute_url())

    def post(self, request, pk):
        client = visible_or_404(Client, request.user, pk=pk)
        number = privacy.client_reveal_id(request=request, client=client)
        view = ClientDetailView()
        view.setup(request, pk=pk)
        view.object = ClientDetailView.queryset.get(pk=client.pk)
        return render(request, view.template_name, view.get_context_data(object=view.object, revealed_id=number))


class ClientEditView(ObjectEditView):
    queryset = Client.objects.all()
    form_class = ClientForm


class ClientChildMixin(ObjectPermissionMixin):
    """Pages that act on one client of the user's scope (close, categories, assessments)."""

    queryset = Client.objects.all()
    action = "change"

    @cached_property
    def client(self):
        return visible_or_404(Client.objects.select_related("station"), self.request.user,
                                 pk=self.kwargs["pk"])


class ClientFormPageView(ClientChildMixin, View):
    form_class = None
    title = ""
    template_name = "clients/client_subform.html"
    success_message = _("Saved.")

    def get_form(self, data=None):
        kwargs = {"client": self.client}
        if hasattr(self.form_class, "_meta"):
            kwargs["user"] = self.request.user
        return self.form_class(data, **kwargs)

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "client": self.client, "title": self.title})

    def get(self, request, pk):
        return self.render(self.get_form())

    def post(self, request, pk):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.save()
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.client.get_absolute_url())
        return self.render(form)


class ClientCloseView(ClientFormPageView):
    form_class = ClientCloseForm
    title = _("Close the record")
    success_message = _("The record is closed.")


class CategoryAddView(ClientFormPageView):
    form_class = CategoryMembershipForm
    title = _("Add a category")

    def get_model(self):
        return CategoryMembership


class AssessmentAddView(ClientFormPageView):
    form_class = AssessmentForm
    title = _("Record a needs assessment")
    action = "add"

    def get_model(self):
        return Assessment


class CategoryEndView(ObjectActionView):
    queryset = CategoryMembership.objects.select_related("client")
    title = _("End")
    form_class = CategoryEndForm
    errors_as_messages = True  # the date box sits on the client's page
    success_message = _("The category has ended.")

    def perform(self, membership, request, form_data):
        services.category_end(membership=membership, end_on=form_data["end_on"])

    def get_object_url(self):
        return self.object.client.get_absolute_url()


class WorklistView(ObjectListView):
    """Dynamic monitoring: who is overdue or due within 7 days, per station and per worker."""

    queryset = Client.objects.select_related("station", "worker").prefetch_related(current_memberships())
    filterset_class = WorklistFilterSet
    template_name = "clients/worklist.html"
    export_title = _("visit worklist")
    table_class = WorklistTable
    rows_by_id = True  # the worklist's columns are in client_monitoring_idx (docs/scaling.md)

    def get_base_queryset(self):
        soon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
        # due by the visit interval, or by a follow-up a visit promised or someone planned
        return (self.queryset.visible_to(self.request.user).active()
                .filter(Q(next_visit_due__lte=soon) | Q(follow_up_on__lte=soon)).order_by("next_visit_due", "pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["by_station"], context["by_worker"] = worklist_summary(self.request.user, today)
        context["by_station_table"] = WorklistStationTable(context["by_station"], user=self.request.user)
        context["by_worker_table"] = WorklistWorkerTable(context["by_worker"], user=self.request.user)
        return context


def worklist_summary(user, today):
    """The worklist's two summaries, (by station, by responsible worker): per row the active
    clients overdue, due within 7 days and in all, of the stations in ``user``'s scope; stations
    in the order of their towns, workers by name within them.

    One count grouped by (station, worker) over the client table alone, then the names of the
    few stations and workers it met, each in one query, ordered by the database (its collation
    decides the order of names, as before). Two counts grouped by names joined first (station,
    town, worker) sorted the county's 19,400 active clients by text twice: 15 + 21 ms for a
    county bureau at city scale, on every page of the worklist, where the grouped count reads the
    monitoring index alone (``client_monitoring_idx`` carries ``worker_id``: an index-only scan)
    in ~4 ms (docs/scaling.md, "The registry's lists at city scale")."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    cells = (Client.objects.visible_to(user).active().values_list("station_id", "worker_id")
             .annotate(overdue=Count("station", filter=Q(next_visit_due__lt=today)),
                       due_soon=Count("station", filter=Q(next_visit_due__gte=today, next_visit_due__lte=soon)),
                       total=Count("station"))
             .order_by())
    cells = list(cells)
    if not cells:
        return [], []
    stations = {pk: (rank, code, short_name) for rank, (pk, short_name, code) in enumerate(
        Station.objects.filter(pk__in=sorted({cell[0] for cell in cells}))
        .order_by("town__code", "pk").values_list("pk", "short_name", "town__code"))}
    workers = {pk: (rank, name) for rank, (pk, name) in enumerate(
        Staff.objects.filter(pk__in=sorted({cell[1] for cell in cells if cell[1] is not None}))
        .order_by("name", "pk").values_list("pk", "name"))}
    by_station, by_worker = {}, {}
    for station_id, worker_id, overdue, due_soon, total in cells:
        rank, code, short_name = stations[station_id]
        row = by_station.setdefault(rank, {"station_id": station_id, "station__short_name": short_name,
                                           "overdue": 0, "due_soon": 0, "total": 0})
        row["overdue"] += overdue
        row["due_soon"] += due_soon
        row["total"] += total
        if worker_id is None:
            continue
        # grouped as before by the worker and the station's short name and town (not its id)
        worker_rank, name = workers[worker_id]
        row = by_worker.setdefault((code or "", worker_rank, short_name), {
            "worker_id": worker_id, "worker__name": name, "station__short_name": short_name,
            "overdue": 0, "due_soon": 0, "total": 0})
        row["overdue"] += overdue
        row["due_soon"] += due_soon
        row["total"] += total
    return [by_station[key] for key in sorted(by_station)], [by_worker[key] for key in sorted(by_worker)]


class HouseholdListView(ObjectListView):
    queryset = Household.objects.select_related("station").annotate(member_count=Count("members")).prefetch_related(
        Prefetch("members", queryset=Client.objects.filter(relationship="head"), to_attr="heads")).order_by("-id")
    filterset_class = HouseholdFilterSet
    template_name = "clients/household_list.html"
    table_class = HouseholdTable


class HouseholdDetailView(ObjectDetailView):
    queryset = Household.objects.select_related("station")
    template_name = "clients/household_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = self.object.members.visible_to(self.request.user).prefetch_related(current_memberships())
        context["member_form"] = kwargs.get("member_form") or HouseholdMemberForm(household=self.object,
                                                                                 user=self.request.user)
        context["can_change_client"] = self.request.user.has_perm("clients.change_client")
        return context


class HouseholdEditView(ObjectEditView):
    queryset = Household.objects.all()
    form_class = HouseholdForm


class HouseholdMemberAddView(ObjectActionView):
    queryset = Household.objects.all()
    title = _("Add member")
    form_class = HouseholdMemberForm
    detail_view = HouseholdDetailView
    form_context_name = "member_form"
    success_message = _("The member is added.")
    form_object_kwarg = "household"


class VisitIntervalListView(ObjectListView):
    queryset = VisitInterval.objects.select_related("county").order_by("county__code", "risk_level", "category")
    template_name = "clients/visitinterval_list.html"
    table_class = VisitIntervalTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["defaults"] = [
            (key, days) for key, days in services.DEFAULT_INTERVALS.items()
        ]
        context["default_days"] = services.DEFAULT_DAYS
        return context


class VisitIntervalEditView(ObjectEditView):
    queryset = VisitInterval.objects.all()
    form_class = VisitIntervalForm

    def get_success_url(self):
        return reverse("clients:visitinterval_list")


class PolicyCategoryListView(ObjectListView):
    """The county's own categories (besides SPEC's seven), with their visit intervals."""

    queryset = PolicyCategory.objects.select_related("county").order_by("county__code", "name")
    template_name = "clients/policycategory_list.html"
    table_class = PolicyCategoryTable


class PolicyCategoryEditView(ObjectEditView):
    queryset = PolicyCategory.objects.all()
    form_class = PolicyCategoryForm

    def get_success_url(self):
        return reverse("clients:policycategory_list")


class ScreeningCampaignListView(ObjectListView):
    queryset = ScreeningCampaign.objects.select_related("county").annotate(
        station_count=Count("stations", distinct=True)).order_by("-start_on", "-id")
    filterset_class = ScreeningCampaignFilterSet
    template_name = "clients/screeningcampaign_list.html"
    table_class = ScreeningCampaignTable


def campaign_progress(campaign, user):
    """Per covered station: active clients, screened, found, not found, high risk."""
    stations = campaign.stations.visible_to(user).order_by("town__code")
    covered = dict(Client.objects.active().filter(station__in=stations).values("station")
                   .annotate(n=Count("pk")).values_list("station", "n"))
    records = {row["client__station"]: row for row in ScreeningRecord.objects.filter(
        campaign=campaign, client__station__in=stations).values("client__station").annotate(
        screened=Count("pk"), found=Count("pk", filter=Q(result="found")),
        not_found=Count("pk", filter=Q(result="not_found")), high=Count("pk", filter=Q(risk_level="high")))}
    rows = []
    for station in stations:
        row = records.get(station.pk, {})
        total = covered.get(station.pk, 0)
        screened = row.get("screened", 0)
        rows.append({"station": station, "covered": total, "screened": screened, "found": row.get("found", 0),
                     "not_found": row.get("not_found", 0), "high": row.get("high", 0),
                     "percent": round(100 * screened / total) if total else 0})
    return rows


class ScreeningCampaignDetailView(ObjectDetailView):
    queryset = ScreeningCampaign.objects.select_related("county")
    template_name = "clients/screeningcampaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = campaign_progress(self.object, self.request.user)
        context["progress"] = rows
        covered = sum(r["covered"] for r in rows)
        screened = sum(r["screened"] for r in rows)
        context["totals"] = {"covered": covered, "screened": screened,
                             "found": sum(r["found"] for r in rows), "not_found": sum(r["not_found"] for r in rows),
                             "high": sum(r["high"] for r in rows),
                             "percent": round(100 * screened / covered) if covered else 0}
        return context


class ScreeningCampaignEditView(ObjectEditView):
    queryset = ScreeningCampaign.objects.all()
    form_class = ScreeningCampaignForm


class ScreeningStationView(ObjectListView):
    """The covered clients of one station in a campaign, screened or not."""

    queryset = Client.objects.select_related("station")
    template_name = "clients/screening_station.html"
    table_class = ScreeningStationTable

    def get_table_context(self):
        return {"campaign": self.campaign}

    def get_model(self):
        return ScreeningRecord

    @cached_property
    def campaign(self):
        return visible_or_404(ScreeningCampaign.objects, self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def station(self):
        return visible_or_404(self.campaign.stations, self.request.user, pk=self.kwargs["station"])

    def get_base_queryset(self):
        return self.queryset.visible_to(self.request.user).active().filter(station=self.station).prefetch_related(
            Prefetch("screenings", queryset=ScreeningRecord.objects.filter(campaign=self.campaign), to_attr="found")
        ).order_by("village", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(campaign=self.campaign, station=self.station,
                       can_screen=self.request.user.has_perm("clients.add_screeningrecord"))
        return context


class ScreeningRecordEditView(ObjectPermissionMixin, View):
    queryset = ScreeningRecord.objects.all()
    action = "add"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = visible_or_404(ScreeningCampaign, request.user, pk=kwargs["pk"])
        self.client = visible_or_404(Client.objects.select_related("station"), request.user,
                                     pk=kwargs["client"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        instance = ScreeningRecord.objects.filter(campaign=self.campaign, client=self.client).first()
        return ScreeningRecordForm(data, instance=instance, campaign=self.campaign, client=self.client,
                                   user=self.request.user)

    def render(self, form):
        return render(self.request, "clients/client_subform.html", {
            "form": form, "client": self.client, "title": f"{self.campaign} · {self.client.name}"})

    def get(self, request, **kwargs):
        return self.render(self.get_form())

    def post(self, request, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                form.save()
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("clients:screening_station",
                                                    args=[self.campaign.pk, self.client.station_id]))
        return self.render(form)


# --- Roster import ------------------------------------------------------------------------

class RosterImportMixin(ObjectPermissionMixin):
    queryset = Client.objects.all()
    action = "add"

    def stored(self, token):
        """The uploaded file and its verdicts, only for the user who uploaded it."""
        if not token or not token.isalnum() or token not in self.request.session.get("roster_imports", []):
            raise Http404
        base = roster.import_dir() / f"{self.request.user.pk}-{token}"
        if not base.with_suffix(".xlsx").exists():
            raise Http404
        if roster.preview_expired(base.with_suffix(".xlsx")):  # uncommitted previews expire
            base.with_suffix(".xlsx").unlink(missing_ok=True)
            base.with_suffix(".json").unlink(missing_ok=True)
            raise Http404
        return base


class RosterImportView(RosterImportMixin, TemplateView):
    """Upload a roster; the page lists every row's verdict; nothing is written yet."""

    template_name = "clients/roster_import.html"
    per_page = 200

    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        roster.purge_previews(roster.import_dir())  # every upload clears the expired previews first
        try:
            result = services.roster_import(user=request.user, file=upload, commit=False)
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        token = secrets.token_hex(12)
        base = roster.import_dir() / f"{request.user.pk}-{token}"
        upload.seek(0)
        base.with_suffix(".xlsx").write_bytes(upload.read())
        base.with_suffix(".json").write_text(json.dumps({
            "name": upload.name, "rows": [row.as_dict() for row in result.rows], "seconds": result.seconds,
        }, ensure_ascii=False))
        request.session["roster_imports"] = [*request.session.get("roster_imports", [])[-9:], token]
        return HttpResponseRedirect(reverse("clients:roster_preview", args=[token]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RosterUploadForm())
        # The user's own background imports (clients.jobs), newest first.
        context["import_jobs"] = RosterImportJob.objects.filter(user=self.request.user)[:10]
        return context


class RosterPreviewView(RosterImportMixin, TemplateView):
    template_name = "clients/roster_import.html"
    per_page = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = self.stored(kwargs["token"])
        data = json.loads(base.with_suffix(".json").read_text())
        rows = data["rows"]
        counts = {"new": 0, "unchanged": 0, "updated": 0, "error": 0}
        for row in rows:
            counts[row["verdict"]] += 1
        show = self.request.GET.get("show") or ("error" if counts["error"] else "all")
        shown = [r for r in rows if show == "all" or r["verdict"] == show]
        from django.core.paginator import Paginator

        page = Paginator(shown, self.per_page).get_page(self.request.GET.get("page"))
        for row in page.object_list:
            row["masked_id"] = privacy.mask_id(row["values"].get("id_number", ""))
            row["change_labels"] = [roster.CHANGE_LABELS.get(c, c) for c in row["changes"]]
        context.update(form=RosterUploadForm(), token=kwargs["token"], filename=data["name"], counts=counts,
                       total=len(rows), page_obj=page, show=show, seconds=data["seconds"],
                       rate=round(len(rows) / data["seconds"]) if data["seconds"] else None,
                       can_commit=counts["error"] == 0 and counts["new"] + counts["updated"] > 0)
        return context


class RosterCommitView(RosterImportMixin, View):
    """Import the checked file: in the request, or — more than ROSTER_BACKGROUND_ROWS rows — as a
    background job (clients.jobs) whose progress page the user is sent to."""

    def post(self, request, token):
        base = self.stored(token)
        preview = json.loads(base.with_suffix(".json").read_text())
        if len(preview["rows"]) > settings.ROSTER_BACKGROUND_ROWS:
            job = jobs.roster_job_start(user=request.user, token=token, name=preview["name"],
                                        rows=len(preview["rows"]))
            if job.sent_at is None:
                messages.warning(request, _("The task queue is unavailable right now: the import is queued and "
                                            "will start when it is back. You can leave this page."))
            return HttpResponseRedirect(reverse("clients:roster_job", args=[job.pk]))
        try:
            result = services.roster_import(user=request.user, file=roster.StoredFile(base.with_suffix(".xlsx")),
                                            commit=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("clients:roster_import"))
        if not result.committed:
            base.with_suffix(".json").write_text(json.dumps({
                "name": base.name, "rows": [row.as_dict() for row in result.rows], "seconds": result.seconds,
            }, ensure_ascii=False))
            messages.error(request, _("Nothing was imported: some rows have errors. Fix them and upload the file again."))
            return HttpResponseRedirect(reverse("clients:roster_preview", args=[token]))
        counts = result.counts
        messages.success(request, gettext("Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.") % counts)
        base.with_suffix(".xlsx").unlink(missing_ok=True)
        base.with_suffix(".json").unlink(missing_ok=True)
        return HttpResponseRedirect(reverse("clients:client_list"))


class RosterErrorSheetView(RosterImportMixin, View):
    """The rows with errors (or, with ?all=1, every row) and why, as .xlsx."""

    def get(self, request, token):
        base = self.stored(token)
        rows = json.loads(base.with_suffix(".json").read_text())["rows"]
        if not request.GET.get("all"):
            rows = [row for row in rows if row["verdict"] == "error"]
        access_log_record(request=request, action=AccessLog.Action.EXPORT, object_repr=f"roster check {token}")
        title = gettext("roster check")
        wb = list_workbook(title, roster.ERROR_SHEET_COLUMNS, roster.sheet_rows(rows))
        return xlsx_response(wb, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")



def _own_roster_job(request, pk):
    # Another user's job answers like a job that does not exist.
    return get_object_or_404(RosterImportJob.objects.filter(user=request.user), pk=pk)


class RosterJobView(RosterImportMixin, TemplateView):
    """/clients/import/jobs/<id>/ — a background import's progress (the fragment alone when htmx
    polls it), then its outcome; a failed job can be run again (POST)."""

    template_name = "clients/roster_job.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["clients/roster_job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = _own_roster_job(self.request, kwargs["pk"])
        return context

    def post(self, request, pk):
        job = _own_roster_job(request, pk)
        try:
            jobs.roster_job_retry(user=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("clients:roster_job", args=[job.pk]))
