from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin
from portal.scoping import scope_for
from stations.choices import OrganisationKind, RegionLevel
from stations.models import Organisation, Region, Station

from . import services
from .choices import Buyer, EvaluationStage
from .models import (
    Contract,
    ContractFunding,
    ContractTarget,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
    VentureApplication,
    VentureCall,
)


def scope_counties(user):
    """The counties a user's forms may choose (their own; every county for a superuser)."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    scope = scope_for(user)
    return counties if scope.is_global else counties.filter(pk__in=sorted(scope.county_ids))


def scope_regions(user):
    """Counties of the user's scope and the city and province above them (a source can be a
    city's, like Yinchuan's venture philanthropy money)."""
    counties = scope_counties(user)
    return Region.objects.filter(
        Q(pk__in=counties.values("pk")) | Q(pk__in=counties.values("parent")) | Q(pk__in=counties.values("parent__parent"))
    ).order_by("code")


class FundingSourceForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["region", "year", "source_type", "name", "document", "base_amount", "share_rule", "share_percent",
                  "share_fixed_amount", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "share_percent": _("For a percentage rule: the share of the base amount that buys services, e.g. 2."),
            "share_fixed_amount": _("For a fixed-sum rule: the amount that buys services."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(self.user)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def save(self, commit=True):
        return services.funding_source_save(source=self.instance, expected=self.loaded_state)


class ContractForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["county", "year", "code", "name", "buyer", "buyer_name", "contractor", "stations", "amount",
                  "start_on", "end_on", "signed_on", "status", "notes"]
        widgets = {"start_on": DateInput(), "end_on": DateInput(), "signed_on": DateInput(),
                   "stations": forms.CheckboxSelectMultiple, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scope_counties(self.user)
        self.fields["contractor"].queryset = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)
        self.fields["stations"].queryset = Station.objects.visible_to(self.user).select_related("town")
        self.fields["stations"].widget.attrs.pop("class", None)
        self.fields["buyer"].required = False  # 民政局 unless another department is chosen
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
            counties = self.fields["county"].queryset
            if len(counties) == 1:
                self.fields["county"].initial = counties[0]

    def clean_buyer(self):
        return self.cleaned_data.get("buyer") or Buyer.CIVIL_AFFAIRS

    def clean(self):
        cleaned = super().clean()
        county, stations = cleaned.get("county"), cleaned.get("stations")
        if county and stations:
            outside = [s.name for s in stations if s.county_id != county.pk]
            if outside:
                self.add_error("stations", _("These stations are not in %(county)s: %(names)s.") % {
                    "county": county, "names": "、".join(outside)})
        return cleaned

    def save(self, commit=True):
        return services.contract_save(contract=self.instance, stations=list(self.cleaned_data["stations"]),
                                      expected=self.loaded_state)


class ContractChildForm(ScopedFormMixin, forms.ModelForm):
    """A form for a row of one contract (``contract`` comes from the URL)."""

    def __init__(self, *args, contract, **kwargs):
        self.contract = contract
        super().__init__(*args, **kwargs)
        self.instance.contract = contract


class ContractFundingForm(ContractChildForm):
    """Allocate part of the contract to a funding source (sets the source's part if it has one)."""

    class Meta:
        model = ContractFunding
        fields = ["source", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundingSource.objects.visible_to(self.user).filter(year=self.contract.year)
        self.fields["amount"].help_text = _("Setting a source again changes its part.")

    def validate_unique(self):
        pass  # setting a source again changes its part (contract_allocate)

    def save(self, commit=True):
        return services.contract_allocate(contract=self.contract, source=self.cleaned_data["source"],
                                          amount=self.cleaned_data["amount"])


class ContractTargetForm(ContractChildForm):
    class Meta:
        model = ContractTarget
        fields = ["kind", "value", "note"]

    def validate_unique(self):
        pass  # setting a deliverable again changes its target (contract_target_set)

    def save(self, commit=True):
        return services.contract_target_set(contract=self.contract, kind=self.cleaned_data["kind"],
                                            value=self.cleaned_data["value"], note=self.cleaned_data["note"])


class PaymentInstalmentForm(OptimisticLockFormMixin, ContractChildForm):
    class Meta:
        model = PaymentInstalment
        fields = ["number", "funding", "amount", "due_on", "condition", "requires_evaluation", "required_stage"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding"].queryset = self.contract.fundings.select_related("source")
        self.fields["funding"].label_from_instance = lambda f: _("%(source)s (%(amount)s yuan)") % {
            "source": f.source.name, "amount": f"{f.amount:,}"}
        if not self.instance.pk:
            self.fields["number"].initial = self.contract.instalments.count() + 1

    def save(self, commit=True):
        return services.instalment_save(instalment=self.instance, expected=self.loaded_state)


class InstalmentPayForm(forms.Form):
    paid_on = forms.DateField(label=pgettext_lazy("funding", "paid on"), widget=DateInput(attrs={"class": "form-control form-control-sm"}))
    voucher = forms.CharField(label=_("payment voucher"), max_length=60, required=False,
                              widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class IndicatorSystemForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorSystem
        fields = ["county", "name", "year", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scope_counties(self.user)

    def save(self, commit=True):
        return services.indicator_system_save(system=self.instance, expected=self.loaded_state)


class IndicatorCategoryForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorCategory
        fields = ["name", "weight", "order"]

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.system = system

    def save(self, commit=True):
        return services.indicator_category_save(category=self.instance, expected=self.loaded_state)


class IndicatorForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["category", "name", "max_score", "scoring_notes", "order"]
        widgets = {"scoring_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = system.categories.all()

    def save(self, commit=True):
        return services.indicator_save(indicator=self.instance, expected=self.loaded_state)


class PerformanceEvaluationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """An evaluation with one score field (and a note) per indicator of the chosen system."""

    class Meta:
        model = PerformanceEvaluation
        fields = ["stage", "evaluated_on", "evaluator", "findings"]
        widgets = {"evaluated_on": DateInput(), "findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, contract, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract, self.system = contract, system
        self.instance.contract = contract
        if system is not None:
            self.instance.system = system
        existing = {s.indicator_id: s for s in self.instance.scores.all()} if self.instance.pk else {}
        self.indicator_rows = []
        categories = system.categories.prefetch_related("indicators") if system is not None else []
        for category in categories:
            rows = []
            for indicator in category.indicators.all():
                score_name, note_name = f"score_{indicator.pk}", f"note_{indicator.pk}"
                self.fields[score_name] = forms.DecimalField(
                    label=indicator.name, min_value=Decimal("0"), max_value=indicator.max_score, max_digits=6,
                    decimal_places=2, widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
                    error_messages={"max_value": _("The score cannot be higher than the indicator's maximum of "
                                                   "%(limit_value)s.")},
                    initial=existing[indicator.pk].score if indicator.pk in existing else None,
                )
                self.fields[note_name] = forms.CharField(
                    label=_("note"), required=False, max_length=200,
                    widget=forms.TextInput(attrs={"class": "form-control"}),
                    initial=existing[indicator.pk].note if indicator.pk in existing else "",
                )
                rows.append((indicator, self[score_name], self[note_name]))
            self.indicator_rows.append((category, rows))
        if not self.instance.pk:
            self.fields["stage"].initial = EvaluationStage.AFTER
            self.fields["evaluated_on"].initial = timezone.localdate()

    def save(self, commit=True):
        scores = {
            indicator.pk: (self.cleaned_data[f"score_{indicator.pk}"], self.cleaned_data[f"note_{indicator.pk}"])
            for _category, rows in self.indicator_rows for indicator, _s, _n in rows
        }
        return services.evaluation_record(
            contract=self.contract, system=self.system, stage=self.cleaned_data["stage"],
            evaluated_on=self.cleaned_data["evaluated_on"], evaluator=self.cleaned_data["evaluator"],
            findings=self.cleaned_data["findings"], scores=scores, recorded_by=self.user,
            evaluation=self.instance if self.instance.pk else None, expected=self.loaded_state,
        )



# --- 公益创投 -------------------------------------------------------------------------------

def _css(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-control")


class VentureCallForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A 公益创投 call; it opens, closes and announces its results through actions on its page."""

    class Meta:
        model = VentureCall
        fields = ["county", "title", "year", "source", "budget", "opens_on", "closes_on", "themes"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(), "themes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scope_counties(self.user)
        self.fields["source"].queryset = FundingSource.objects.visible_to(self.user).order_by("-year", "name")
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
            counties = self.fields["county"].queryset
            if len(counties) == 1:
                self.fields["county"].initial = counties[0]

    def save(self, commit=True):
        return services.venture_call_save(call=self.instance, user=self.user, expected=self.loaded_state)


class VentureApplicationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """An application to a call (the call comes from the URL): a service organisation or a
    social organisation of the partner ledger applies."""

    class Meta:
        model = VentureApplication
        fields = ["organisation", "partner", "project_title", "theme", "amount_requested", "submitted_on", "summary"]
        widgets = {"submitted_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None:
            self.instance.call = call
        call = self.instance.call
        self.fields["organisation"].queryset = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)
        from partners.choices import PartnerKind

        self.fields["partner"].queryset = self.fields["partner"].queryset.filter(
            kind=PartnerKind.SOCIAL_ORGANISATION, county=call.county_id, is_active=True)
        if call.theme_list:
            self.fields["theme"].widget = forms.Select(choices=[("", "---------")] + [(t, t) for t in call.theme_list],
                                                       attrs={"class": "form-select"})
        if not self.instance.pk:
            self.fields["submitted_on"].initial = timezone.localdate()

    def save(self, commit=True):
        return services.venture_application_save(application=self.instance, expected=self.loaded_state)


class VentureReviewForm(forms.Form):
    """A reviewer's score: the signed-in user's own, or an outside expert's typed in by them."""

    expert = forms.ModelChoiceField(label=_("expert"), queryset=None, required=False,
                                    help_text=_("Leave empty to record your own review."))
    score = forms.DecimalField(label=_("Score (0–100)"), min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label=_("comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, application=None, user=None, **kwargs):
        from training.models import Expert

        super().__init__(*args, **kwargs)
        experts = Expert.objects.visible_to(user) if user is not None else Expert.objects.none()
        if application is not None:
            experts = experts.filter(county=application.call.county_id)
        self.fields["expert"].queryset = experts
        _css(self)


class VentureAwardForm(forms.Form):
    amount = forms.DecimalField(label=_("amount awarded"), min_value=0, max_digits=14, decimal_places=2)
    awarded_on = forms.DateField(label=_("awarded on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, application=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["amount"].initial = application.amount_requested
        _css(self)


class VentureMilestoneForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("milestone", "Title"), max_length=120)
    due_on = forms.DateField(label=_("due date"), widget=DateInput())

    def __init__(self, *args, project=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)


class VentureMilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=DateInput(), initial=timezone.localdate)
    evidence = forms.CharField(label=_("evidence"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, milestone=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)


class VenturePaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), min_value=0, max_digits=14, decimal_places=2)
    due_on = forms.DateField(label=_("due date"), widget=DateInput())

    def __init__(self, *args, project=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)


class VenturePayForm(forms.Form):
    paid_on = forms.DateField(label=pgettext_lazy("funding", "paid on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, payment=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)


class VentureReportForm(forms.Form):
    final_report = forms.CharField(label=_("final report"), max_length=10000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))
    reported_on = forms.DateField(label=_("report date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, project=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)


class VentureEvaluateForm(forms.Form):
    score = forms.DecimalField(label=_("evaluation score"), min_value=0, max_value=100, decimal_places=2)
    conclusion = forms.CharField(label=_("evaluation conclusion"), max_length=5000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    evaluated_on = forms.DateField(label=_("evaluated on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, project=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _css(self)
