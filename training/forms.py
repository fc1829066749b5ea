from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin
from portal.scoping import scope_for
from stations.choices import RegionLevel, Role
from stations.models import Region, Staff

from . import services
from .models import (
    CompetitionEvent,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TuitionClaim,
)


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Attendance taken from a list: one tick box per worker, in columns. (Keeps Django's
    class name so that ``includes/form_fields.html`` gives it the full width.)"""

    template_name = "training/widgets/checkbox_grid.html"
    option_template_name = "training/widgets/checkbox_option.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


def _county_choices(user):
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    scope = scope_for(user)
    return counties if scope.is_global else counties.filter(pk__in=sorted(scope.county_ids))


class TrainingForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["topic", "held_on", "hours", "format", "county", "organiser", "location", "trainers",
                  "expert_trainers", "attendees", "content"]
        widgets = {
            "held_on": DateInput(), "content": forms.Textarea(attrs={"rows": 3}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
            "attendees": CheckboxSelectMultiple(), "trainers": forms.SelectMultiple(attrs={"size": 4}),
            "expert_trainers": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices(self.user)
        workers = Staff.objects.visible_to(self.user).workers().select_related("station")
        current = self.instance.attendance.values("staff") if self.instance.pk else Staff.objects.none().values("pk")
        self.fields["attendees"].queryset = (
            workers.active() | workers.filter(pk__in=current)
        ).order_by("station__town__code", "name")
        self.fields["attendees"].label_from_instance = lambda s: f"{s.name}（{s.station.short_name}）"
        self.fields["attendees"].help_text = _("Tick everyone who attended; each is credited the training's hours.")
        self.fields["trainers"].queryset = self.fields["trainers"].queryset.exclude(
            role__in=[Role.AUDITOR, Role.CITY_VIEWER]
        )
        own = getattr(self.user, "staff", None)
        if not self.instance.pk and own is not None:
            self.fields["organiser"].initial = own.organisation_id
        for name in ("trainers", "expert_trainers"):
            self.fields[name].widget.attrs["class"] = "form-select"
        if not self.instance.pk and len(self.fields["county"].queryset) == 1:
            self.fields["county"].initial = self.fields["county"].queryset[0]

    def _save_m2m(self):
        pass  # the service sets trainers and attendance

    def save(self, commit=True):
        return services.training_save(
            training=self.instance, attendees=self.cleaned_data["attendees"],
            trainers=self.cleaned_data["trainers"], expert_trainers=self.cleaned_data["expert_trainers"],
            expected=self.loaded_state,
        )


class SupervisionForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Supervision
        fields = ["station", "supervised_on", "hours", "mode", "supervisor_expert", "supervisor_staff", "topic",
                  "workers", "findings", "advice", "follow_up", "follow_up_on", "follow_up_done"]
        widgets = {
            "supervised_on": DateInput(), "follow_up_on": DateInput(),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
            "findings": forms.Textarea(attrs={"rows": 3}), "advice": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}), "workers": CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Staff.objects.visible_to(self.user).select_related("station")
        self.fields["supervisor_staff"].queryset = staff.exclude(role__in=[Role.AUDITOR, Role.CITY_VIEWER])
        self.fields["workers"].queryset = staff.workers().order_by("station__town__code", "name")
        self.fields["workers"].label_from_instance = lambda s: f"{s.name}（{s.station.short_name}）"
        self.fields["workers"].help_text = _("Only workers of the chosen station can be ticked.")

    def _save_m2m(self):
        pass

    def save(self, commit=True):
        return services.supervision_save(supervision=self.instance, workers=self.cleaned_data["workers"],
                                         expected=self.loaded_state)


class EvaluationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """An evaluation round: the header plus one score field per item of the chosen scheme."""

    class Meta:
        model = StationEvaluation
        fields = ["station", "scheme", "evaluated_on", "period_start", "period_end", "evaluators", "findings"]
        widgets = {"evaluated_on": DateInput(), "period_start": DateInput(), "period_end": DateInput(),
                   "findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = self._schemes()
        self.scheme = self._chosen_scheme()
        self.items = list(self.scheme.items.all()) if self.scheme else []
        existing = {s.item_id: s for s in self.instance.scores.all()} if self.instance.pk else {}
        if self.instance.pk:
            self.fields["scheme"].disabled = True  # scores belong to the scheme's items
        for item in self.items:
            score = existing.get(item.pk)
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=f"{item.category} · {item.title}", max_digits=6, decimal_places=1, min_value=0,
                help_text=_("Maximum %(max)s. %(criteria)s") % {"max": item.max_score, "criteria": item.criteria},
                initial=score.score if score else None,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5", "min": "0",
                                                "max": str(item.max_score)}),
            )

    def _schemes(self):
        schemes = EvaluationScheme.objects.filter(is_active=True)
        return schemes.visible_to(self.user) if self.user is not None else schemes

    def _chosen_scheme(self):
        if self.instance.pk:
            return self.instance.scheme
        key = self.data.get("scheme") or self.initial.get("scheme")
        try:
            return self._schemes().get(pk=getattr(key, "pk", key))
        except (EvaluationScheme.DoesNotExist, ValueError, TypeError):
            return None

    def score_fields(self):
        return [self[f"score_{item.pk}"] for item in self.items]

    def header_fields(self):
        return [self[name] for name in self._meta.fields]

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            score = cleaned.get(f"score_{item.pk}")
            if score is not None and score > item.max_score:
                self.add_error(f"score_{item.pk}", _("The score for %(item)s (%(score)s) is above its maximum of %(max)s.")
                               % {"item": item.title, "score": score, "max": item.max_score})
        if not self.items and not self.errors:
            raise ValidationError(_("Choose a scheme with items to score."))
        return cleaned

    def save(self, commit=True):
        scores = {item.pk: self.cleaned_data[f"score_{item.pk}"] for item in self.items}
        return services.evaluation_save(evaluation=self.instance, scores=scores, user=self.user,
                                        expected=self.loaded_state)


class RectificationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RectificationItem
        fields = ["evaluation", "description", "owner", "deadline", "status", "done_on", "note"]
        widgets = {"deadline": DateInput(), "done_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = self.fields["evaluation"].queryset.select_related("station", "scheme")
        self.fields["owner"].queryset = self.fields["owner"].queryset.workers().select_related("station")
        if self.instance.pk:
            self.fields["evaluation"].disabled = True

    def save(self, commit=True):
        return services.rectification_save(item=self.instance, expected=self.loaded_state)


class EvaluationSchemeForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A scheme's header; its items and ratings are added on the scheme's page."""

    class Meta:
        model = EvaluationScheme
        fields = ["county", "name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": _("scheme name")}  # "name" alone reads 姓名 in the merged catalogue

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices(self.user)
        if not scope_for(self.user).is_global:
            self.fields["county"].required = True  # only a global user writes the shared standards
            self.fields["county"].empty_label = None
            self.fields["county"].help_text = ""

    def save(self, commit=True):
        return services.scheme_save(scheme=self.instance, expected=self.loaded_state)


class EvaluationItemForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationItem
        fields = ["category", "title", "criteria", "max_score", "evidence", "order"]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 2}),
                   "max_score": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"})}

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.scheme = scheme

    def save(self, commit=True):
        return services.evaluation_item_save(item=self.instance, expected=self.loaded_state)


class RatingBandForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = RatingBand
        fields = ["min_score", "label"]

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.scheme = scheme

    def save(self, commit=True):
        return services.rating_band_save(band=self.instance, expected=self.loaded_state)


class IncentivePolicyForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = IncentivePolicy
        fields = ["region", "name", "document", "valid_from", "valid_to",
                  "award_assistant", "award_intermediate", "award_senior",
                  "subsidy_assistant", "subsidy_intermediate", "subsidy_senior",
                  "tuition_rate", "tuition_cap", "notes"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": _("policy name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if scope_for(self.user).is_global:
            self.fields["region"].queryset = Region.objects.filter(
                level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY])
        else:  # a county's bureau writes its county's policy; the city's is the city's
            self.fields["region"].queryset = _county_choices(self.user)
            self.fields["region"].empty_label = None
        for name in self.fields:
            if name.startswith(("award_", "subsidy_", "tuition_")):
                self.fields[name].widget.attrs.update(step="0.01", min="0")

    def save(self, commit=True):
        return services.policy_save(policy=self.instance, expected=self.loaded_state)


class SubmissionForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A station's entry to a case competition; the judges' scores are typed in on the event page."""

    class Meta:
        model = Submission
        fields = ["event", "station", "title", "case", "authors", "summary", "award"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}), "authors": CheckboxSelectMultiple()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = CompetitionEvent.objects.visible_to(self.user).select_related("county")
        self.fields["station"].queryset = self.fields["station"].queryset.select_related("town")
        cases = self.fields["case"].queryset.select_related("station")
        station = self._chosen_station()
        if station is not None:
            cases = cases.filter(station=station)
        self.fields["case"].queryset = cases.order_by("-pk")
        self.fields["case"].label_from_instance = lambda c: f"{c.title}（{c.station.short_name}）"
        self.fields["case"].help_text = _("Optional: the casework file the entry is drawn from, of the same station.")
        authors = self.fields["authors"].queryset.workers().select_related("station")
        if station is not None:
            authors = authors.filter(station=station)
        self.fields["authors"].queryset = authors.order_by("station__town__code", "name")
        self.fields["authors"].label_from_instance = lambda s: f"{s.name}（{s.station.short_name}）"
        self.fields["authors"].help_text = _("Only workers of the entry's station can be authors.")
        if self.instance.pk:
            self.fields["event"].disabled = True  # an entry does not move to another competition

    def _chosen_station(self):
        """The station the dropdowns of cases and authors are narrowed to (the one posted,
        else the entry's, else ``?station=``)."""
        key = self.data.get(self.add_prefix("station")) if self.is_bound else None
        key = key or self.instance.station_id or self.initial.get("station")
        try:
            return self.fields["station"].queryset.get(pk=getattr(key, "pk", key))
        except (ValueError, TypeError, self.fields["station"].queryset.model.DoesNotExist):
            return None

    def _save_m2m(self):
        pass  # the service sets the authors

    def save(self, commit=True):
        return services.submission_save(submission=self.instance, authors=self.cleaned_data["authors"],
                                        expected=self.loaded_state)


class PeriodForm(forms.Form):
    """The period an incentive policy's entitlements are computed for (policy page)."""

    _dates = {"required": _("Enter the period as two dates."), "invalid": _("Enter the period as two dates.")}
    start = forms.DateField(label=_("from"), widget=DateInput(attrs={"class": "form-control"}), error_messages=_dates)
    end = forms.DateField(label=_("to"), widget=DateInput(attrs={"class": "form-control"}), error_messages=_dates)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise ValidationError(_("The end date cannot be before the start date."))
        return cleaned


class JudgeScoreForm(forms.Form):
    """A judge's score of one entry: ``services.judge_score_record`` checks the judge and the score;
    the view looks the entry up among the event's (404 when it is not one of them)."""

    submission = forms.CharField(label=_("Entry"), required=False)
    judge = forms.CharField(label=_("Judge"), required=False, strip=False,
                            widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 30}))
    score = forms.CharField(label=_("Score (0–100)"), required=False, strip=False,
                            widget=forms.NumberInput(attrs={"class": "form-control", "min": 0, "max": 100, "step": 0.5}))

    def __init__(self, *args, submissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].widget = forms.Select(
            choices=[(s.pk, f"{s.title}（{s.station.short_name}）") for s in submissions], attrs={"class": "form-select"})


class ExpertForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """An outside expert of the county's directory (the supervision and training forms offer them)."""

    class Meta:
        model = Expert
        fields = ["county", "name", "kind", "affiliation", "title", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices(self.user)

    def save(self, commit=True):
        return services.expert_save(expert=self.instance, user=self.user, expected=self.loaded_state)


class CompetitionEventForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A county's case competition; its entries and the judges' scores are added on its page."""

    class Meta:
        model = CompetitionEvent
        fields = ["county", "name", "held_on", "judges", "description"]
        widgets = {"held_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _county_choices(self.user)

    def save(self, commit=True):
        return services.competition_event_save(event=self.instance, user=self.user, expected=self.loaded_state)


class TuitionClaimForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """Tuition a worker paid, reimbursed under a policy when its entitlements are computed."""

    class Meta:
        model = TuitionClaim
        fields = ["policy", "staff", "course", "paid_on", "amount_paid"]
        widgets = {"paid_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = self.fields["staff"].queryset.workers().select_related("station")
        self.fields["staff"].label_from_instance = lambda s: f"{s.name}（{s.station.short_name}）"

    def save(self, commit=True):
        return services.tuition_claim_save(claim=self.instance, expected=self.loaded_state)


class PaidOnForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=DateInput(attrs={"class": "form-control"}),
                              initial=timezone.localdate)
