import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin
from portal.scoping import scope_for
from reports import figures
from services.models import Activity, ActivityPhoto
from stations.choices import STATION_ROLES
from stations.models import Region

from . import services
from .models import Highlight, Issue

RICH_HELP = _("Paragraphs, bold and lists only: <p>, <strong>, <ul>/<ol> and <li>. Plain lines become "
              "paragraphs; any other markup is removed when saved.")


class IssueDraftForm(ScopedFormMixin, forms.ModelForm):
    """The center starts a month's issue: the portal drafts it from the month's records."""

    month_code = forms.CharField(label=_("month"), widget=forms.TextInput(attrs={"type": "month"}),
                                 help_text=_("For example 2023-09."))

    class Meta:
        model = Issue
        fields = ["county"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.user)
        counties = Region.objects.filter(level="county")
        if not scope.is_global:
            counties = counties.filter(pk__in=sorted(scope.county_ids))
        self.fields["county"].queryset = counties
        if counties.count() == 1:
            self.fields["county"].initial = counties.first()

    def clean_month_code(self):
        try:
            return figures.month_period(self.cleaned_data["month_code"]).start
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def _post_clean(self):
        pass  # the service validates the new issue

    def save(self, commit=True):
        return services.issue_draft(county=self.cleaned_data["county"], month=self.cleaned_data["month_code"],
                                    user=self.user)


class IssueForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "lead", "case_story", "training_news", "campaign"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in Issue.RICH_FIELDS}
        help_texts = {name: RICH_HELP for name in Issue.RICH_FIELDS}

    def save(self, commit=True):
        return services.issue_update(issue=self.instance, expected=self.loaded_state)


class HighlightForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A station proposes its highlight: one of its activities of the month, a consented photo
    of it (photos not marked "may be published", or of children, are never offered), the text."""

    class Meta:
        model = Highlight
        fields = ["activity", "title", "held_on", "participants", "text", "photo", "included"]
        widgets = {"held_on": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"text": RICH_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        highlight = self.instance
        month = highlight.issue.month
        end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        activities = Activity.objects.filter(station_id=highlight.station_id, held_on__range=(month, end))
        self.fields["activity"].queryset = activities.visible_to(self.user).order_by("-held_on")
        self.fields["photo"].queryset = ActivityPhoto.objects.visible_to(self.user).publishable(on=month).filter(
            activity__in=activities.values("pk"))
        self.fields["photo"].label_from_instance = lambda photo: f"{photo.activity.title} · {photo}"
        staff = getattr(self.user, "staff", None)
        if staff is not None and staff.role in STATION_ROLES:
            del self.fields["included"]  # whether it goes in is the center's choice

    def save(self, commit=True):
        return services.highlight_update(highlight=self.instance, user=self.user, expected=self.loaded_state)


class IssueCorrectForm(forms.Form):
    note = forms.CharField(label=_("correction note"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                           max_length=1000, help_text=_("What the correction changes; printed on the new version."))
