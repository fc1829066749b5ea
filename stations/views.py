from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from . import services
from .exports import Column
from .filters import AccessLogFilterSet, OrganisationFilterSet, StaffFilterSet, StationFilterSet
from .forms import OrganisationForm, StaffForm, StationForm
from .generic import ObjectDetailView, ObjectEditView, ObjectListView, ObjectPermissionMixin
from .models import AccessLog, Organisation, Staff, Station


class StationListView(ObjectListView):
    queryset = Station.objects.select_related("town", "county", "operator").with_worker_count()
    filterset_class = StationFilterSet
    template_name = "stations/station_list.html"
    export_columns = [
        Column(_("name"), "name", 20), Column(_("town"), "town.name"), Column(_("county"), "county.name"),
        Column(_("operating organisation"), "operator.name", 24), Column(_("opening date"), "opened_on"),
        Column(_("featured brand"), "brand", 18), Column(_("social workers"), "worker_count"),
        Column(_("address"), "address", 30), Column(_("phone"), "phone"),
    ]


class StationDetailView(ObjectDetailView):
    queryset = Station.objects.select_related("town", "county", "operator")
    template_name = "stations/station_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = (
            self.object.staff.select_related("user").prefetch_related("certificates").order_by("role", "name")
        )
        return context


class StationEditView(ObjectEditView):
    queryset = Station.objects.all()
    form_class = StationForm


class OrganisationListView(ObjectListView):
    queryset = Organisation.objects.select_related("region").annotate(
        station_count=Count("operated_stations", distinct=True), staff_count=Count("staff", distinct=True)
    ).order_by("kind", "name")
    filterset_class = OrganisationFilterSet
    template_name = "stations/organisation_list.html"
    export_columns = [
        Column(_("name"), "name", 30), Column(_("kind"), "get_kind_display"), Column(_("region"), "region.name"),
        Column(_("stations operated"), "station_count"), Column(_("staff"), "staff_count"),
        Column(_("contact person"), "contact"), Column(_("phone"), "phone"),
    ]


class OrganisationDetailView(ObjectDetailView):
    queryset = Organisation.objects.select_related("region")
    template_name = "stations/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["stations"] = Station.objects.visible_to(user).filter(operator=self.object).select_related("town")
        context["staff"] = Staff.objects.visible_to(user).filter(organisation=self.object).select_related("station")
        return context


class OrganisationEditView(ObjectEditView):
    queryset = Organisation.objects.all()
    form_class = OrganisationForm


class StaffListView(ObjectListView):
    queryset = Staff.objects.select_related("user", "organisation", "station").prefetch_related(
        Prefetch("certificates")
    )
    filterset_class = StaffFilterSet
    template_name = "stations/staff_list.html"
    export_columns = [
        Column(_("Full name"), "name"), Column(_("username"), "user.username"), Column(_("role"), "get_role_display", 18),
        Column(_("organisation"), "organisation.name", 24), Column(_("station"), "station.name", 18),
        Column(_("phone"), "phone"), Column(_("active from"), "active_from"), Column(_("active until"), "active_to"),
        Column(_("certificates"), lambda s: "; ".join(str(c) for c in s.certificates.all()), 30),
    ]


class StaffDetailView(ObjectDetailView):
    queryset = Staff.objects.select_related("user", "organisation", "station")
    template_name = "stations/staff_detail.html"


class StaffEditView(ObjectEditView):
    queryset = Staff.objects.select_related("user")
    form_class = StaffForm


class StaffDeactivateView(ObjectPermissionMixin, View):
    """Ends a staff member's access today: their sessions and API token stop working."""

    action = "change"
    queryset = Staff.objects.all()

    def post(self, request, pk):
        staff = get_object_or_404(Staff.objects.visible_to(request.user), pk=pk)
        if staff.user_id == request.user.pk:
            messages.error(request, _("You cannot disable your own account."))
        else:
            services.staff_deactivate(staff=staff)
            messages.success(request, _("%(name)s can no longer log in.") % {"name": staff.name})
        return HttpResponseRedirect(staff.get_absolute_url())


class AccessLogListView(ObjectListView):
    """The access log: auditors search it and export it; nobody edits it."""

    queryset = AccessLog.objects.all()
    filterset_class = AccessLogFilterSet
    template_name = "stations/accesslog_list.html"
    export_columns = [
        Column(_("time"), "at", 20), Column(_("username"), "username"), Column(_("role"), "role"),
        Column(_("action"), "get_action_display"), Column(_("record type"), "object_type", 18),
        Column(_("record"), "object_id"), Column(_("description"), "object_repr", 40), Column(_("result"), "result"),
        Column(_("IP address"), "ip"),
    ]

    def get_base_queryset(self):
        # The log is not station data: the permission alone (auditor, bureau admin) decides.
        # County users see their county's users' entries; superusers see all.
        from .scoping import scope_for

        scope = scope_for(self.request.user)
        queryset = self.queryset.select_related("user")
        if scope.is_global:
            return queryset
        visible_users = Staff.objects.visible_to(self.request.user).values("user")
        return queryset.filter(Q(user__in=visible_users) | Q(user__isnull=True))


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: the stations of the user's scope at a glance."""

    template_name = "stations/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stations"] = (
            Station.objects.visible_to(self.request.user).select_related("town", "operator").with_worker_count()
        )
        return context


def wants_json(request):
    """API callers get JSON errors: a path under /api/ (but not the HTML docs page), or an
    Accept header asking for JSON and not for HTML."""
    if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


ERROR_DETAILS = {
    400: _("Bad request."),
    403: _("You do not have permission to perform this action."),
    404: _("Not found."),
    500: _("A server error occurred. It has been logged; please try again later."),
}


def _json_error(status):
    # DRF's error shape: {"detail": "..."}
    return JsonResponse({"detail": str(ERROR_DETAILS[status])}, status=status)


def _error_page(template, status):
    def view(request, exception=None):
        if wants_json(request):
            return _json_error(status)
        return render(request, template, status=status)

    return view


bad_request = _error_page("errors/400.html", 400)
permission_denied = _error_page("errors/403.html", 403)
page_not_found = _error_page("errors/404.html", 404)


def server_error(request):
    if wants_json(request):
        return _json_error(500)
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
