import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import ScopedModelChoiceFilter, SearchFilterSet, YearFilter
from stations.choices import RegionLevel
from stations.filters import StaffChoiceFilter, StationChoiceFilter, region_filter, station_filter
from stations.models import Staff, Station

from .choices import (
    AwardLevel,
    EntitlementKind,
    ExpertKind,
    PayoutStatus,
    RectificationStatus,
    SupervisionMode,
)
from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TrainingAttendance,
    TuitionClaim,
)


def _date_range(field):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=_("from")),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=_("to")),
    )


class TrainingFilterSet(SearchFilterSet):
    search_fields = ("topic", "location", "content", "expert_trainers__name", "trainers__name")
    since, until = _date_range("held_on")
    year = YearFilter(field_name="held_on", lookup_expr="year", label=_("year"))
    # the scope's stations as the scope query read them: no query of its own (a city's 100)
    station = StationChoiceFilter(queryset=Station.objects.all(), method="filter_station",
                                  label=_("attendees' station"), label_field="name")
    attendee = StaffChoiceFilter(field_name="attendance__staff", queryset=Staff.objects.workers(),
                                 label=_("attendee"))
    # The county a training belongs to: the ``trainings`` figure of a county (or city) of the scope.
    county = region_filter("county", RegionLevel.COUNTY)
    city = region_filter("county__parent", RegionLevel.CITY)

    class Meta:
        model = Training
        fields = ["q", "year", "since", "until", "station", "attendee", "county", "city"]

    def filter_station(self, queryset, name, value):
        # the station's trainings read first (a few dozen ids): as a subquery, PostgreSQL walked
        # the trainings newest first and compared each with every attendance of the station's
        # workers, 7 ms for the page and again for its count (bench crawl, /training/?station=)
        trainings = TrainingAttendance.objects.filter(staff__station=value).order_by().values_list("training", flat=True)
        return queryset.filter(pk__in=sorted(set(trainings)))


class SupervisionFilterSet(SearchFilterSet):
    search_fields = ("topic", "findings", "advice", "supervisor_expert__name", "supervisor_staff__name")
    station = station_filter()
    mode = django_filters.ChoiceFilter(choices=SupervisionMode.choices, label=_("mode"))
    supervisor_kind = django_filters.ChoiceFilter(choices=ExpertKind.choices, method="filter_kind",
                                                  label=_("supervisor kind"))
    since, until = _date_range("supervised_on")
    year = YearFilter(field_name="supervised_on", lookup_expr="year", label=_("year"))
    county = region_filter("station__county", RegionLevel.COUNTY)
    city = region_filter("station__county__parent", RegionLevel.CITY)

    class Meta:
        model = Supervision
        fields = ["q", "station", "mode", "supervisor_kind", "year", "since", "until", "county", "city"]

    def filter_kind(self, queryset, name, value):
        if value == ExpertKind.INTERNAL:
            return queryset.filter(Q(supervisor_staff__isnull=False) | Q(supervisor_expert__kind=value))
        return queryset.filter(supervisor_expert__kind=value)


class StationEvaluationFilterSet(SearchFilterSet):
    search_fields = ("findings", "evaluators", "station__name", "rating")
    station = station_filter()
    scheme = ScopedModelChoiceFilter(queryset=EvaluationScheme.objects.all(), label=_("scheme"))
    since, until = _date_range("evaluated_on")
    year = YearFilter(field_name="evaluated_on", lookup_expr="year", label=_("year"))
    county = region_filter("station__county", RegionLevel.COUNTY)
    city = region_filter("station__county__parent", RegionLevel.CITY)

    class Meta:
        model = StationEvaluation
        fields = ["q", "station", "scheme", "year", "since", "until", "county", "city"]


class RectificationItemFilterSet(SearchFilterSet):
    search_fields = ("description", "note", "owner__name")
    station = station_filter("evaluation__station")
    status = django_filters.ChoiceFilter(choices=RectificationStatus.choices, label=_("status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = RectificationItem
        fields = ["q", "station", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(deadline__lt=timezone.localdate()) & ~Q(status=RectificationStatus.DONE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class EntitlementFilterSet(SearchFilterSet):
    """The payout list: who is owed what under which policy, for a period."""

    search_fields = ("staff__name",)
    policy = ScopedModelChoiceFilter(queryset=IncentivePolicy.objects.all(), label=_("policy"))
    station = station_filter("staff__station")
    kind = django_filters.ChoiceFilter(choices=EntitlementKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=PayoutStatus.choices, label=_("status"))
    since, until = _date_range("period")

    class Meta:
        model = Entitlement
        fields = ["q", "policy", "station", "kind", "status", "since", "until"]


class CompetitionEventFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    year = YearFilter(field_name="held_on", lookup_expr="year", label=_("year"))

    class Meta:
        model = CompetitionEvent
        fields = ["q", "year"]


class EvaluationSchemeFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    is_active = django_filters.BooleanFilter(label=_("in use"))

    class Meta:
        model = EvaluationScheme
        fields = ["q", "is_active"]


class IncentivePolicyFilterSet(SearchFilterSet):
    search_fields = ("name", "document", "notes")
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("valid on"))

    class Meta:
        model = IncentivePolicy
        fields = ["q", "valid_on"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_from__lte=value) & (Q(valid_to__isnull=True) | Q(valid_to__gte=value)))


class SubmissionFilterSet(SearchFilterSet):
    search_fields = ("title", "summary", "station__name", "case__title")
    event = ScopedModelChoiceFilter(queryset=CompetitionEvent.objects.all(), label=_("competition"))
    station = station_filter()
    award = django_filters.ChoiceFilter(choices=AwardLevel.choices, label=_("award"))
    awarded = django_filters.BooleanFilter(method="filter_awarded", label=_("awarded"))
    year = YearFilter(field_name="event__held_on", lookup_expr="year", label=_("year"))

    class Meta:
        model = Submission
        fields = ["q", "event", "station", "award", "awarded", "year"]

    def filter_awarded(self, queryset, name, value):
        return queryset.exclude(award="") if value else queryset.filter(award="")


class ExpertFilterSet(SearchFilterSet):
    """The directory of outside experts (supervisors and trainers from outside the county's staff)."""

    search_fields = ("name", "affiliation", "title")
    kind = django_filters.ChoiceFilter(choices=ExpertKind.choices, label=_("kind"))

    class Meta:
        model = Expert
        fields = ["q", "kind"]


class TuitionClaimFilterSet(SearchFilterSet):
    search_fields = ("staff__name", "course")
    policy = ScopedModelChoiceFilter(queryset=IncentivePolicy.objects.all(), label=_("policy"))
    station = station_filter("staff__station")
    since, until = _date_range("paid_on")

    class Meta:
        model = TuitionClaim
        fields = ["q", "policy", "station", "since", "until"]
