from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.views import ObjectActionView, ObjectDetailView, ObjectEditView, ObjectListView
from portal.xlsx import Column

from . import services
from .filters import OrganisationFilterSet, StaffFilterSet, StationFilterSet
from .forms import OrganisationForm, StaffForm, StationForm
from .models import Organisation, Staff, Station


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


class StaffDeactivateView(ObjectActionView):
    """Ends a staff member's access today: their sessions and API token stop working."""

    queryset = Staff.objects.all()
    title = _("Disable account")

    def perform(self, staff, request, form_data):
        if staff.user_id == request.user.pk:
            raise ValidationError(_("You cannot disable your own account."))
        services.staff_deactivate(staff=staff)

    def get_success_message(self):
        return _("%(name)s can no longer log in.") % {"name": self.object.name}


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: the stations of the user's scope at a glance."""

    template_name = "stations/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stations"] = (
            Station.objects.visible_to(self.request.user).select_related("town", "operator").with_worker_count()
        )
        return context
