from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.views import ObjectDetailView, ObjectEditView, ObjectListView, ObjectPermissionMixin

from . import services
from .filters import OrganisationFilterSet, StaffFilterSet, StationFilterSet
from .forms import OrganisationForm, StaffForm, StationForm
from .models import Organisation, Staff, Station
from .tables import OrganisationTable, StaffTable, StationTable


class StationListView(ObjectListView):
    queryset = Station.objects.select_related("town", "county", "operator").with_worker_count()
    filterset_class = StationFilterSet
    template_name = "stations/station_list.html"
    table_class = StationTable


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
    table_class = OrganisationTable


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
    table_class = StaffTable


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


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: the stations of the user's scope at a glance."""

    template_name = "stations/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stations"] = (
            Station.objects.visible_to(self.request.user).select_related("town", "operator").with_worker_count()
        )
        return context
