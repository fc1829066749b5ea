from django import forms

from portal.forms import OptimisticLockFormMixin, ScopedFormMixin
from portal.scoping import scope_for
from stations.choices import RegionLevel
from stations.models import Region, Station

from . import services
from .models import Partner, PartnerOffering


def county_choices(user):
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    scope = scope_for(user)
    return counties if scope.is_global else counties.filter(pk__in=sorted(scope.county_ids))


class PartnerForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A partner of the county's 五社联动 ledger; what it offers is added on its page."""

    class Meta:
        model = Partner
        fields = ["county", "station", "name", "kind", "contact_person", "phone", "address", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = county_choices(self.user)
        self.fields["station"].queryset = Station.objects.visible_to(self.user).order_by("town__code")

    def save(self, commit=True):
        return services.partner_save(partner=self.instance, user=self.user, expected=self.loaded_state)


class PartnerOfferingForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = PartnerOffering
        fields = ["kind", "description", "value"]

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partner is not None:
            self.instance.partner = partner

    def save(self, commit=True):
        return services.partner_offering_save(offering=self.instance, expected=self.loaded_state)
