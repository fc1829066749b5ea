from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.views import ObjectActionView, ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filters import (
    CertificateFilterSet,
    OrganisationFilterSet,
    ServicePointFilterSet,
    StaffFilterSet,
    StationFilterSet,
)
from .forms import CertificateForm, OrganisationForm, ServicePointForm, StaffForm, StationForm
from .models import Certificate, Organisation, ServicePoint, Staff, Station
from .privacy import phone_for
from .tables import CertificateTable, OrganisationTable, ServicePointTable, StaffTable, StationTable


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


class StaffDeactivateView(ObjectActionView):
    """Ends a staff member's access today: their sessions and API token stop working."""

    queryset = Staff.objects.all()
    title = _("Disable account")

    def perform(self, staff, request, form_data):
        services.staff_deactivate(staff=staff, by=request.user)

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


class CertificateListView(ObjectListView):
    queryset = Certificate.objects.select_related("staff__station").order_by("-issued_on", "-id")
    filterset_class = CertificateFilterSet
    template_name = "stations/certificate_list.html"
    table_class = CertificateTable


class CertificateDetailView(ObjectDetailView):
    queryset = Certificate.objects.select_related("staff__station")
    template_name = "stations/certificate_detail.html"


class CertificateEditView(ObjectEditView):
    queryset = Certificate.objects.all()
    form_class = CertificateForm


class ServicePointListView(ObjectListView):
    queryset = ServicePoint.objects.select_related("station", "region", "staff").order_by(
        "station__town__code", "name", "pk")
    filterset_class = ServicePointFilterSet
    template_name = "stations/servicepoint_list.html"
    table_class = ServicePointTable


class ServicePointDetailView(ObjectDetailView):
    """A service point with how many clients, visits, activities and groups name it (their
    lists, filtered by the point, are one click away)."""

    queryset = ServicePoint.objects.select_related("station", "region", "staff")
    template_name = "stations/servicepoint_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point = self.object
        counts = ServicePoint.objects.filter(pk=point.pk).aggregate(
            clients=Count("clients", distinct=True), visits=Count("visits", distinct=True),
            activities=Count("activities", distinct=True), groups=Count("groups", distinct=True))
        context["counts"] = counts
        context["liaison_phone"] = phone_for(self.request.user, point.liaison_phone)
        return context


class ServicePointEditView(ObjectEditView):
    queryset = ServicePoint.objects.all()
    form_class = ServicePointForm


class ServicePointDeactivateView(ObjectActionView):
    """Close a service point: the records naming it keep it; it is offered no more."""

    queryset = ServicePoint.objects.all()
    title = _("Deactivate service point")

    def perform(self, point, request, form_data):
        services.service_point_deactivate(point=point)

    def get_success_message(self):
        return _("%(name)s is now inactive.") % {"name": self.object.name}
