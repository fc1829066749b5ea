from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import YearField
from portal.scoping import visible_or_404
from portal.views import ObjectActionView, ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filters import PartnerFilterSet
from .forms import PartnerForm, PartnerOfferingForm
from .models import Partner, PartnerOffering
from .tables import PartnerTable


class TotalsYearMixin:
    """The year whose resource links the totals count (``?year=``, this year by default)."""

    def totals_year(self):
        return YearField(required=False).clean_or_none(self.request.GET.get("year")) or timezone.localdate().year


class PartnerListView(TotalsYearMixin, ObjectListView):
    queryset = Partner.objects.select_related("station").prefetch_related("offerings")
    filterset_class = PartnerFilterSet
    template_name = "partners/partner_list.html"
    table_class = PartnerTable

    def get_queryset(self):
        return super().get_queryset().with_totals(user=self.request.user, year=self.totals_year()).order_by(
            "kind", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.totals_year()
        return context


class PartnerDetailView(TotalsYearMixin, ObjectDetailView):
    queryset = Partner.objects.select_related("county", "station")

    template_name = "partners/partner_detail.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        totals = Partner.objects.filter(pk=obj.pk).with_totals(user=self.request.user, year=self.totals_year())
        obj.linked_count, obj.linked_amount = totals.values_list("linked_count", "linked_amount").get()
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            year=self.totals_year(),
            offerings=self.object.offerings.all(),
            phone=self.object.phone_for(user),
            can_add_offering=user.has_perm("partners.add_partneroffering") and self.object.is_active,
        )
        return context


class PartnerEditView(ObjectEditView):
    queryset = Partner.objects.all()
    form_class = PartnerForm


class PartnerDeactivateView(ObjectActionView):
    queryset = Partner.objects.all()
    title = _("Deactivate")
    success_message = _("The partner is marked inactive.")

    def perform(self, partner, request, form_data):
        return services.partner_deactivate(partner=partner)


class PartnerOfferingEditView(ObjectEditView):
    """Adds (or edits) what a partner offers; the partner comes from the URL or the row."""

    queryset = PartnerOffering.objects.select_related("partner")
    form_class = PartnerOfferingForm

    def get_partner(self):
        if not hasattr(self, "_partner"):
            if self.kwargs.get("pk"):
                self._partner = self.get_object().partner
            else:
                self._partner = visible_or_404(Partner.objects, self.request.user, pk=self.kwargs["partner_pk"])
        return self._partner

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partner"] = self.get_partner()
        return kwargs

    def get_success_url(self):
        return self.get_partner().get_absolute_url()
