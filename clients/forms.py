from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin
from portal.scoping import scope_for
from stations.models import Region, Staff, Station

from . import idnumbers, privacy, services
from .choices import Category, DisabilityGrade, DisabilityType, Relationship, Subtype
from .models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    PolicyCategory,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)

PHONE_VALIDATOR = forms.RegexField(regex=r"^[0-9][0-9-]{6,19}$").regex


def clean_phone(value):
    value = (value or "").strip().replace(" ", "")
    if value and not PHONE_VALIDATOR.match(value):
        raise ValidationError(_("Enter a phone number with digits only."))
    return value


class ServiceForm(ScopedFormMixin, forms.ModelForm):
    """A form whose ``save`` calls a service; the view turns the service's ValidationError
    into field errors (``ObjectEditView.form_valid``, ``portal.forms.add_validation_error``)."""

    def _post_clean(self):
        # The service validates the model; running it here too would double the messages.
        pass


class ClientForm(OptimisticLockFormMixin, ServiceForm):
    """Register a person (with a first category) or edit their record."""

    category = forms.ChoiceField(label=_("category"), choices=[("", "---------"), *Category.choices], required=False)
    subtype = forms.ChoiceField(label=_("subtype"), choices=[("", "---------"), *Subtype.choices], required=False)
    disability_type = forms.ChoiceField(label=_("disability type"), required=False,
                                        choices=[("", "---------"), *DisabilityType.choices])
    disability_grade = forms.TypedChoiceField(label=_("disability grade"), required=False, coerce=int, empty_value=None,
                                              choices=[("", "---------"), *DisabilityGrade.choices])
    id_number = forms.CharField(label=_("ID number"), max_length=40)

    class Meta:
        model = Client
        fields = ["station", "name", "id_number", "phone", "address", "village", "service_point", "worker",
                  "registered_on"]
        widgets = {"registered_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = Staff.objects.visible_to(self.user).workers().active() if self.user \
            else Staff.objects.workers()
        current = self.instance.service_point_id
        points = self.fields["service_point"].queryset.select_related("station")
        self.fields["service_point"].queryset = (points.filter(is_active=True) | points.filter(pk=current or 0))
        self.fields["service_point"].label_from_instance = lambda p: f"{p.name}（{p.station.short_name}）"
        stations = self.fields["station"].queryset
        if stations.count() == 1 and not self.instance.pk:
            self.fields["station"].initial = stations.first()
        if self.instance.pk:
            for name in ("category", "subtype", "disability_type", "disability_grade", "registered_on"):
                del self.fields[name]
            # The full number is not put in the page; leave it empty to keep it.
            # (the ModelForm's initial data holds the full number: it would fill the field)
            self.fields["id_number"].required = False
            self.fields["id_number"].initial = self.initial["id_number"] = ""
            self.fields["id_number"].widget.attrs["placeholder"] = idnumbers.mask(self.instance.id_number)
            self.fields["id_number"].help_text = _("Leave empty to keep the registered number.")

    def _locked_fields(self):
        # The full ID number is never put in the page, not even in the lock's (signed, readable)
        # stamp; an empty entry keeps the number the record has when saved.
        return [name for name in super()._locked_fields() if name != "id_number"]

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        if not value and self.instance.pk:
            return self.instance.id_number
        number = idnumbers.normalise(value)
        if (self.instance.pk and number != self.instance.id_number and self.user is not None
                and not privacy.can_reveal_id(self.user, self.instance)):
            raise ValidationError(_("Only a role that may see the full ID number may change it."))
        return number

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def save(self, commit=True):
        data = {name: self.cleaned_data[name] for name in
                ("station", "name", "id_number", "phone", "address", "village", "service_point", "worker")}
        if self.instance.pk:
            return services.client_update(client=self.instance, expected=self.loaded_state, user=self.user, **data)
        categories = []
        if self.cleaned_data.get("category"):
            categories.append({
                "category": self.cleaned_data["category"], "subtype": self.cleaned_data["subtype"],
                "disability_type": self.cleaned_data["disability_type"],
                "disability_grade": self.cleaned_data["disability_grade"],
                "start_on": self.cleaned_data.get("registered_on"),
            })
        return services.client_register(user=self.user, registered_on=self.cleaned_data.get("registered_on"),
                                         categories=categories, **data)


class ClientCloseForm(forms.Form):
    close_reason = forms.ChoiceField(label=_("closing reason"), choices=Client._meta.get_field("close_reason").choices)
    closed_on = forms.DateField(label=pgettext_lazy("client", "closing date"), initial=timezone.localdate, widget=DateInput())
    close_note = forms.CharField(label=_("closing note"), max_length=200, required=False)

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def save(self):
        return services.client_close(client=self.client, reason=self.cleaned_data["close_reason"],
                                     closed_on=self.cleaned_data["closed_on"], note=self.cleaned_data["close_note"])


class CategoryMembershipForm(ServiceForm):
    class Meta:
        model = CategoryMembership
        fields = ["category", "policy_category", "subtype", "disability_type", "disability_grade", "start_on"]
        widgets = {"start_on": DateInput()}

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["start_on"].initial = timezone.localdate()
        # one of SPEC's seven, or one of the county's own categories
        self.fields["category"].required = False
        county = client.station.county_id if client is not None else None
        self.fields["policy_category"].queryset = PolicyCategory.objects.filter(county=county, is_active=True)
        self.fields["policy_category"].help_text = _("Or one of the county's own categories (instead of the above).")

    def save(self, commit=True):
        return services.category_add(client=self.client, **self.cleaned_data)


class PolicyCategoryForm(OptimisticLockFormMixin, ServiceForm):
    class Meta:
        model = PolicyCategory
        fields = ["county", "name", "maps_to", "visit_days", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county")
        scope = scope_for(self.user) if self.user else None
        if scope is not None and scope.county_ids is not None:
            counties = counties.filter(pk__in=sorted(scope.county_ids))
        self.fields["county"].queryset = counties

    def save(self, commit=True):
        for name, value in self.cleaned_data.items():
            if name != self.LOCK_FIELD:
                setattr(self.instance, name, value)
        return services.policy_category_save(category=self.instance, expected=self.loaded_state)


class CategoryEndForm(forms.Form):
    end_on = forms.DateField(label=_("until"), initial=timezone.localdate, widget=DateInput(attrs={"class": "form-control"}))


class AssessmentForm(ServiceForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", "risk_level", "living_condition", "needs", "notes"]
        widgets = {"assessed_on": DateInput(), "living_condition": forms.Textarea(attrs={"rows": 2}),
                   "needs": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def save(self, commit=True):
        return services.assessment_record(client=self.client, assessor=getattr(self.user, "staff", None),
                                          **self.cleaned_data)


class HouseholdForm(OptimisticLockFormMixin, ServiceForm):
    class Meta:
        model = Household
        fields = ["station", "address", "village", "in_distress", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def save(self, commit=True):
        if self.instance.pk:
            data = {k: v for k, v in self.cleaned_data.items() if k not in {"station", self.LOCK_FIELD}}
            return services.household_update(household=self.instance, expected=self.loaded_state, **data)
        data = {k: v for k, v in self.cleaned_data.items() if k != self.LOCK_FIELD}
        return services.household_create(user=self.user, **data)


class HouseholdMemberForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of the member"), max_length=40,
                                help_text=_("The person must be registered at the household's station."))
    relationship = forms.ChoiceField(label=_("relationship to head"), choices=Relationship.choices)

    def __init__(self, *args, household=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household, self.user = household, user
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def _locked_fields(self):
        # The full ID number is never put in the page, not even in the lock's (signed, readable)
        # stamp; an empty entry keeps the number the record has when saved.
        return [name for name in super()._locked_fields() if name != "id_number"]

    def clean_id_number(self):
        number = idnumbers.normalise(self.cleaned_data["id_number"])
        client = Client.objects.visible_to(self.user).filter(id_number=number, station=self.household.station_id).first()
        if client is None:
            raise ValidationError(_("No registered person of this station has this ID number."))
        self.client = client
        return number

    def save(self):
        return services.household_add_member(household=self.household, client=self.client,
                                             relationship=self.cleaned_data["relationship"])


class VisitIntervalForm(OptimisticLockFormMixin, ServiceForm):
    class Meta:
        model = VisitInterval
        fields = ["county", "category", "risk_level", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county")
        scope = scope_for(self.user) if self.user else None
        if scope is not None and scope.county_ids is not None:
            counties = counties.filter(pk__in=sorted(scope.county_ids))
        self.fields["county"].queryset = counties

    def clean_days(self):
        days = self.cleaned_data["days"]
        if not days or days < 1 or days > 366:
            raise ValidationError(_("Enter a number of days between 1 and 366."))
        return days

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("category") and not cleaned.get("risk_level"):
            raise ValidationError(_("Choose a category or a risk level."))
        if cleaned.get("category") and cleaned.get("risk_level"):
            raise ValidationError(_("An interval applies to a category or to a risk level, not both."))
        return cleaned

    def save(self, commit=True):
        data = {k: v for k, v in self.cleaned_data.items() if k != self.LOCK_FIELD}
        return services.visit_interval_save(interval=self.instance, expected=self.loaded_state, **data)


class ScreeningCampaignForm(OptimisticLockFormMixin, ServiceForm):
    stations = forms.ModelMultipleChoiceField(label=_("stations covered"), queryset=Station.objects.all(),
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ScreeningCampaign
        fields = ["name", "county", "stations", "start_on", "end_on", "notes"]
        widgets = {"start_on": DateInput(), "end_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county")
        scope = scope_for(self.user) if self.user else None
        if scope is not None and scope.county_ids is not None:
            counties = counties.filter(pk__in=sorted(scope.county_ids))
        self.fields["county"].queryset = counties
        self.fields["stations"].queryset = Station.objects.visible_to(self.user) if self.user else Station.objects.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_on") and cleaned.get("end_on") and cleaned["end_on"] < cleaned["start_on"]:
            self.add_error("end_on", _("The end date cannot be before the start date."))
        return cleaned

    def save(self, commit=True):
        data = {k: v for k, v in self.cleaned_data.items() if k != self.LOCK_FIELD}
        if self.instance.pk:
            return services.screening_campaign_update(campaign=self.instance, expected=self.loaded_state, **data)
        return services.screening_campaign_create(**data)


class ScreeningRecordForm(OptimisticLockFormMixin, ServiceForm):
    class Meta:
        model = ScreeningRecord
        fields = ["screened_on", "result", "living_condition", "risk_level", "needs"]
        widgets = {"screened_on": DateInput(), "living_condition": forms.Textarea(attrs={"rows": 2}),
                   "needs": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, campaign=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign, self.client = campaign, client
        if not self.instance.pk:
            self.fields["screened_on"].initial = min(timezone.localdate(), campaign.end_on) if campaign else None

    def save(self, commit=True):
        data = {k: v for k, v in self.cleaned_data.items() if k != self.LOCK_FIELD}
        return services.screening_record(campaign=self.campaign, client=self.client, expected=self.loaded_state,
                                         screener=getattr(self.user, "staff", None), **data)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("roster (.xlsx)"),
                           help_text=_("Columns: name, ID number, category, subtype, town, village, phone, address."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})
