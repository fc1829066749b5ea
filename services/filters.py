"""One FilterSet per model, shared by the web list, the API viewset and the xlsx export."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.choices import RiskLevel
from partners.models import Partner
from portal.filters import ListedChoiceFilter, SearchFilterSet, YearFilter
from stations.choices import RegionLevel
from stations.filters import (
    NoServicePointFilter,
    ServicePointChoiceFilter,
    StaffChoiceFilter,
    region_filter,
    station_filter,
)
from stations.models import Staff

from .choices import (
    ActivityKind,
    CaseStage,
    DispatchSource,
    DispatchStatus,
    MonthlyReportStatus,
    ReferralStatus,
    ResourceKind,
    SourceKind,
    VisitKind,
    VolunteerKind,
)
from .models import (
    Activity,
    CampaignTag,
    Case,
    CaseGoal,
    CaseNote,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    GroupSession,
    MonthlyReport,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
)


def client_search_q(value, prefix=""):
    """Find a person by name, pinyin or its initials, the last digits of the ID number or phone."""
    value = value.strip()
    lower = value.lower()
    query = Q(**{f"{prefix}name__icontains": value})
    if lower.isascii() and lower.isalpha():
        query |= Q(**{f"{prefix}name_pinyin__startswith": lower}) | Q(**{f"{prefix}name_initials__startswith": lower})
    if value[:-1].isdigit() or value.isdigit():
        query |= Q(**{f"{prefix}id_number__endswith": value.upper()})
        if len(value) >= 4:
            query |= Q(**{f"{prefix}phone__contains": value})
    return query


class PartOfPeopleServed(django_filters.FilterSet):
    """``part_since``/``part_until``: the records whose dated part of ``people_served`` (人次)
    falls in the period (a group's sessions, a case's service notes), read together by
    ``filter_queryset``; ``part_range()`` tells the list which period its total is of."""

    part_model = None  # GroupSession or CaseNote
    part_date = None
    part_owner = None  # the part's field naming the listed record

    part_since = django_filters.DateFilter(method="read_together", label=_("people served from"))
    part_until = django_filters.DateFilter(method="read_together", label=_("people served until"))

    def read_together(self, queryset, name, value):
        return queryset

    def part_range(self):
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("part_since"), data.get("part_until")

    def parts(self, since, until):
        parts = self.part_model.objects.all()
        if since:
            parts = parts.filter(**{f"{self.part_date}__gte": since})
        if until:
            parts = parts.filter(**{f"{self.part_date}__lte": until})
        return parts

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        since, until = self.part_range()
        if since or until:
            queryset = queryset.filter(pk__in=self.parts(since, until).values(self.part_owner))
        return queryset


class DateRangeMixin(django_filters.FilterSet):
    date_field = None

    since = django_filters.DateFilter(method="filter_since", label=_("from"))
    until = django_filters.DateFilter(method="filter_until", label=_("to"))

    def filter_since(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_until(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


def worker_filter(field_name, label):
    return StaffChoiceFilter(field_name=field_name, queryset=Staff.objects.workers(), label=label)


def tag_filter():
    return ListedChoiceFilter(field_name="tags", queryset=CampaignTag.objects.all(), label=_("campaign tag"),
                              label_field="name")


class VisitFilterSet(DateRangeMixin, SearchFilterSet):
    date_field = "visited_on"
    station = station_filter()
    service_point = ServicePointChoiceFilter()
    no_service_point = NoServicePointFilter()
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("kind"))
    worker = worker_filter("workers", _("worker"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("risk update"))
    tag = tag_filter()

    class Meta:
        model = Visit
        fields = ["q", "station", "service_point", "no_service_point", "kind", "worker", "risk_level", "tag", "since", "until"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(client_search_q(value, "client__") | Q(findings__icontains=value.strip()))


class ResourceLinkFilterSet(DateRangeMixin, SearchFilterSet):
    date_field = "linked_on"
    search_fields = ("description", "source_name", "client__name")
    station = station_filter()
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("kind"))
    source_kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("source kind"))
    partner = ListedChoiceFilter(queryset=Partner.objects.all(), label=_("partner"), label_field="name")

    class Meta:
        model = ResourceLink
        fields = ["q", "station", "kind", "source_kind", "partner", "since", "until"]


class CaseFilterSet(PartOfPeopleServed, DateRangeMixin, SearchFilterSet):
    date_field = "intake_on"
    part_model, part_date, part_owner = CaseNote, "noted_on", "case"
    search_fields = ("title", "clients__name", "manager__name")
    station = station_filter()
    stage = django_filters.ChoiceFilter(choices=CaseStage.choices, label=_("stage"))
    manager = worker_filter("manager", _("case manager"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))

    class Meta:
        model = Case
        fields = ["q", "station", "stage", "manager", "open", "since", "until", "part_since", "part_until"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        ids = Case.objects.filter(Q(title__icontains=value) | Q(manager__name__icontains=value)
                                  | client_search_q(value, "clients__")).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_open(self, queryset, name, value):
        return queryset.exclude(stage=CaseStage.CLOSED) if value else queryset.filter(stage=CaseStage.CLOSED)


class GroupFilterSet(PartOfPeopleServed, DateRangeMixin, SearchFilterSet):
    """``since``/``until`` date a group by its first session, as the ``groupwork`` figure does."""

    part_model, part_date, part_owner = GroupSession, "held_on", "group"
    search_fields = ("theme", "goals")
    station = station_filter()
    service_point = ServicePointChoiceFilter()
    no_service_point = NoServicePointFilter()
    tag = tag_filter()

    class Meta:
        model = Group
        fields = ["q", "station", "service_point", "no_service_point", "tag", "since", "until", "part_since", "part_until"]

    def filter_since(self, queryset, name, value):
        return queryset.first_session_since(value)

    def filter_until(self, queryset, name, value):
        return queryset.first_session_until(value)


class ActivityFilterSet(DateRangeMixin, SearchFilterSet):
    date_field = "held_on"
    search_fields = ("title", "location", "highlight")
    station = station_filter()
    service_point = ServicePointChoiceFilter()
    no_service_point = NoServicePointFilter()
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("kind"))
    tag = tag_filter()
    # one county or city of the scope (the community_activities figure of a county or city dashboard)
    county = region_filter("station__county", RegionLevel.COUNTY)
    city = region_filter("station__county__parent", RegionLevel.CITY)

    class Meta:
        model = Activity
        fields = ["q", "station", "service_point", "no_service_point", "kind", "tag", "since", "until", "county",
                  "city"]


class ReferralFilterSet(DateRangeMixin, SearchFilterSet):
    date_field = "referred_on"
    search_fields = ("to_organisation", "reason", "client__name")
    station = station_filter()
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, label=_("status"))

    class Meta:
        model = Referral
        fields = ["q", "station", "status", "since", "until"]


class DispatchFilterSet(DateRangeMixin, SearchFilterSet):
    date_field = "sent_on"
    search_fields = ("title", "description", "report")
    station = station_filter()
    status = django_filters.ChoiceFilter(choices=DispatchStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=DispatchSource.choices, label=_("source"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = Dispatch
        fields = ["q", "station", "status", "source", "overdue", "since", "until"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class MonthlyReportFilterSet(SearchFilterSet):
    search_fields = ("station__name", "summary")
    station = station_filter()
    status = django_filters.ChoiceFilter(choices=MonthlyReportStatus.choices, label=_("status"))
    year = YearFilter(field_name="month", lookup_expr="year", label=_("year"))
    on_time = django_filters.BooleanFilter(label=_("submitted on time"))

    class Meta:
        model = MonthlyReport
        fields = ["q", "station", "status", "year", "on_time"]


FOLLOW_UP_DUE = [("overdue", _("Overdue")), ("today", _("Due today")), ("week", _("Due within 7 days")),
                 ("open", _("All open")), ("answered", _("Answered"))]


class FollowUpFilterSet(SearchFilterSet):
    """Follow-ups: overdue, due today, this week, all open (the default list) or answered."""

    search_fields = ("client__name", "client__name_pinyin", "note")
    station = station_filter()
    worker = worker_filter("worker", _("worker"))
    due = django_filters.ChoiceFilter(choices=FOLLOW_UP_DUE, method="filter_due", label=_("due"))

    class Meta:
        model = FollowUp
        fields = ["q", "station", "worker", "due"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "answered":
            return queryset.filter(answered_on__isnull=False)
        queryset = queryset.open()
        if value == "overdue":
            return queryset.filter(due_on__lt=today)
        if value == "today":
            return queryset.filter(due_on=today)
        if value == "week":
            return queryset.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7))
        return queryset


OPEN_DONE = [("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))]


class CaseGoalFilterSet(SearchFilterSet):
    """Goals of case plans: open (not yet met), due for review, met."""

    search_fields = ("description", "target", "case__title")
    station = station_filter("case__station")
    state = django_filters.ChoiceFilter(choices=OPEN_DONE, method="filter_state", label=_("state"))

    class Meta:
        model = CaseGoal
        fields = ["q", "station", "state"]

    def filter_state(self, queryset, name, value):
        if value == "done":
            return queryset.filter(met_on__isnull=False)
        queryset = queryset.filter(met_on__isnull=True)
        return queryset.filter(review_on__lt=timezone.localdate()) if value == "overdue" else queryset


class CaseTaskFilterSet(SearchFilterSet):
    """Tasks of case plans: open, overdue, done; by owner."""

    search_fields = ("description", "case__title")
    station = station_filter("case__station")
    owner = worker_filter("owner", _("owner"))
    state = django_filters.ChoiceFilter(choices=OPEN_DONE, method="filter_state", label=_("state"))

    class Meta:
        model = CaseTask
        fields = ["q", "station", "owner", "state"]

    def filter_state(self, queryset, name, value):
        if value == "done":
            return queryset.filter(done_on__isnull=False)
        queryset = queryset.filter(done_on__isnull=True)
        return queryset.filter(due_on__lt=timezone.localdate()) if value == "overdue" else queryset


class VolunteerFilterSet(SearchFilterSet):
    """Volunteers (志愿者): web list, API and export."""

    search_fields = ("name", "organisation", "skills", "phone")
    station = station_filter()
    kind = django_filters.ChoiceFilter(choices=VolunteerKind.choices, label=_("kind"))
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Volunteer
        fields = ["q", "station", "kind", "is_active"]


class VolunteerServiceFilterSet(DateRangeMixin, SearchFilterSet):
    """Volunteer service records; ``since``/``until`` on the service date are the period of the
    ``volunteers`` and ``volunteer_hours`` figures (the list's totals are those figures)."""

    date_field = "served_on"
    search_fields = ("volunteer__name", "volunteer__organisation", "description")
    station = station_filter()
    volunteer = django_filters.NumberFilter(field_name="volunteer", label=_("volunteer"))
    activity = django_filters.NumberFilter(field_name="activity", label=_("community activity"))
    kind = django_filters.ChoiceFilter(field_name="volunteer__kind", choices=VolunteerKind.choices,
                                       label=_("kind"))

    class Meta:
        model = VolunteerService
        fields = ["q", "station", "volunteer", "activity", "kind", "since", "until"]
