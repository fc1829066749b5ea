import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import SearchFilterSet, YearFilter
from stations.filters import station_filter

from .choices import IssueStatus
from .models import Highlight, Issue


class IssueFilterSet(SearchFilterSet):
    search_fields = ("title", "lead", "correction_note")
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices, label=_("status"))
    year = YearFilter(field_name="month", label=_("year"))

    class Meta:
        model = Issue
        fields = ["status", "year"]


class HighlightFilterSet(SearchFilterSet):
    search_fields = ("title", "text")
    station = station_filter("station")
    issue = django_filters.NumberFilter(field_name="issue", label=_("issue"))

    class Meta:
        model = Highlight
        fields = ["station", "issue"]
