import datetime

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import SearchFilterSet
from stations.filters import NoServicePointFilter, ServicePointChoiceFilter, StaffChoiceFilter, station_filter
from stations.models import Staff

from .choices import Category, ClientStatus, RiskLevel
from .hooks import visited_clients
from .models import CategoryMembership, Client, Household, ScreeningCampaign

AGE_BANDS = [("child", _("Under 18")), ("adult", _("18 to 59")), ("elderly", _("60 and over"))]
# ?overdue=yes (visit overdue), soon (due within 7 days), no (on track)
MONITORING = [("yes", _("Overdue")), ("soon", _("Due within 7 days")), ("no", _("On track"))]
DUE_SOON_DAYS = 7


def _years_ago(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def held_today(category, stations=None):
    """Clients holding ``category`` today: the ids of today's memberships in one uncorrelated
    subquery (``pk IN (...)``), read once. A correlated EXISTS per client let SQLite walk the
    (category, start_on) index for every client of the list, which is quadratic in a common
    category: 低保 took 5.8-7.0 s on the county demo (docs/scaling.md, "Category lists").

    ``stations`` (the list's scope, ids; None: every station) narrows the memberships by their
    copy of the client's station: one range of ``membership_station_idx`` per station, where
    PostgreSQL hashed the city's 133,000 current 低保 memberships for a county's list (49 of its
    68-107 ms: make bench, crawl_worst_page)."""
    today = timezone.localdate()
    held = CategoryMembership.objects.filter(category=category, start_on__lte=today).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=today))
    if stations is not None:
        held = held.filter(station__in=sorted(stations))
    return Q(pk__in=held.values("client"))


def visited_in_period(since=None, until=None, category=None, stations=None, point=None, without_point=False):
    """The clients visited in ``since``..``until`` (either may be None) who held ``category``
    (any, if None) on the date of such a visit: the people behind SPEC §3's
    ``visited_clients_by_category`` (``reports.figures`` counts exactly these, by the same
    condition: membership start_on <= visited_on <= end_on). A queryset of client ids, of the
    clients of ``stations`` (ids; None: any) when given.

    One ``filter()`` call, so the visit and the membership are the same joined rows (the visit
    is reached by its reverse relation: the registry does not import services). With a
    category the query starts from that category's memberships overlapping the period and of
    the scope's clients, then looks for a visit inside the membership: at city scale the
    planner otherwise walked every membership of the city backwards by client (Merge Semi
    Join, 0.9-1.2 s for 特困 in a county's year; docs/scaling.md, "The crawl at city scale").

    ``point`` (a service point id) or ``without_point`` narrow to the visits naming that point,
    or naming none (the station's own): the dashboard's breakdown by service point."""
    if category:
        held = CategoryMembership.objects.filter(category=category)
        if until is not None:
            held = held.filter(start_on__lte=until)
        if since is not None:
            held = held.filter(Q(end_on__isnull=True) | Q(end_on__gte=since))
        if stations is not None:
            held = held.filter(client__station__in=sorted(stations))
        conditions = Q(client__visits__visited_on__gte=F("start_on")) & (
            Q(end_on__isnull=True) | Q(client__visits__visited_on__lte=F("end_on")))
        if since is not None:
            conditions &= Q(client__visits__visited_on__gte=since)
        if until is not None:
            conditions &= Q(client__visits__visited_on__lte=until)
        if point is not None:
            conditions &= Q(client__visits__service_point=point)
        elif without_point:
            conditions &= Q(client__visits__service_point__isnull=True)
        return held.filter(conditions).values("client")
    clients = Client.objects.all() if stations is None else Client.objects.filter(station__in=sorted(stations))
    return clients.filter(visited_exists(since, until, point=point, without_point=without_point)).values("pk")


def visited_exists(since=None, until=None, point=None, without_point=False):
    """``visited_in_period`` without a category, as a condition on the clients themselves: a
    visit in the period (at ``point``, or at none), as EXISTS per client (a semi-join PostgreSQL
    stops at the first visit found). Joined with their visits, a station's 2,000 clients met their
    20,000 visits and were made distinct again: 15 ms for a worker's "visited with no service
    point" at city scale and 12 ms for its count, ~4 and ~1 ms as EXISTS. The list filters by it
    directly: as ``pk IN`` (a second scan of the scope's clients) the county bureau's capped count
    was a parallel merge join, 10-20 ms, where the clients probed in turn stop at 551 (~2 ms)."""
    visits = Client._meta.get_field("visits").related_model._base_manager.filter(client=OuterRef("pk"))
    if point is not None:
        visits = visits.filter(service_point=point)
    elif without_point:
        visits = visits.filter(service_point__isnull=True)
    if since is not None:
        visits = visits.filter(visited_on__gte=since)
    if until is not None:
        visits = visits.filter(visited_on__lte=until)
    return Exists(visits)


def search_clients(queryset, value, *, wide=False):
    """Name, pinyin (zhangsan), initials (zs), the tail of the ID number, or the phone.

    A name term of one or two Chinese characters matches anywhere in the name within one
    station, but only at its start in a wider scope (``wide``): no trigram index can serve a
    term that short, and "contains 王建" over a city's 200,000 clients is a full scan (130 ms),
    while "starts with 王建" is a B-tree prefix scan (clients migration 0005)."""
    value = value.strip()
    if not value:
        return queryset
    branches = []
    if not any(character.isdigit() for character in value):  # no name holds a digit
        short = len(value) < 3 and not value.isascii()
        branches.append(Q(name__startswith=value) if short and wide else Q(name__icontains=value))
    plain = value.replace(" ", "").lower()
    if plain.isascii() and plain.isalpha():
        branches += [Q(name_pinyin__startswith=plain), Q(name_initials__startswith=plain)]
        if len(plain) >= 3:
            branches.append(Q(name_pinyin__contains=plain))
    digits = value.upper().replace(" ", "")
    if len(digits) >= 4 and digits[:-1].isdigit() and (digits[-1].isdigit() or digits[-1] == "X"):
        branches.append(Q(id_number__endswith=digits))
        if digits.isdigit():
            branches.append(Q(phone__contains=digits))
    if not branches:  # e.g. "12": too short for an ID tail or a phone, and not a name
        return queryset.none()
    query = Q()
    for branch in branches:
        query |= branch
    return queryset.filter(query)


def _scope_station_ids(request):
    from portal.scoping import scope_for

    return None if request is None else scope_for(request.user).station_ids


def in_list_order(queryset, request):
    """The registry's own order (newest first, -id) for a user whose scope is some stations, as
    an expression the primary key's index cannot serve (web list and API; a search orders by
    name instead).

    PostgreSQL assumes a scope's clients are spread evenly over the ids and walks that index
    backwards to meet the first 50 of them early; a county whose clients were registered first
    is met only after every later county's: 180,000 rows, 90 ms for the county bureau's plain
    list and 130 ms for its 低保 visited in a year, where reading the scope's rows by the
    station index and sorting them takes 10-40 ms (make bench, row crawl_worst_page)."""
    if _scope_station_ids(request) is None:
        return queryset
    return queryset.order_by((F("pk") + 0).desc())


def _wide_scope(request):
    from portal.scoping import scope_for

    if request is None:
        return True
    scope = scope_for(request.user)
    return scope.station_ids is None or len(scope.station_ids) > 1


class ClientFilterSet(SearchFilterSet):
    """The one filterset of the registry: web list, API and export."""

    station = station_filter()
    service_point = ServicePointChoiceFilter()
    no_service_point = NoServicePointFilter()
    category = django_filters.ChoiceFilter(choices=Category.choices, method="filter_category", label=_("category"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("risk level"))
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices, label=_("status"))
    age_band = django_filters.ChoiceFilter(choices=AGE_BANDS, method="filter_age_band", label=_("age"))
    overdue = django_filters.ChoiceFilter(choices=MONITORING, method="filter_monitoring", label=_("visits"))
    worker = StaffChoiceFilter(queryset=Staff.objects.workers(), label=_("responsible worker"))
    # "Clients visited in the period": the list behind a ``visited_clients_by_category`` figure
    # (read together by ``filter_queryset``: who held that category on the day of a visit then).
    visited_since = django_filters.DateFilter(method="read_together", label=_("visited from"))
    visited_until = django_filters.DateFilter(method="read_together", label=_("visited until"))
    visited_category = django_filters.ChoiceFilter(choices=Category.choices, method="read_together",
                                                   label=_("category on the visit date"))
    # the clients visited at one service point (or at none: the station's own), for the breakdown
    visited_service_point = django_filters.NumberFilter(method="read_together", label=_("visited at service point"))
    visited_without_point = django_filters.BooleanFilter(method="read_together",
                                                         label=_("visited with no service point"))

    class Meta:
        model = Client
        fields = ["q", "station", "service_point", "no_service_point", "category", "risk_level", "status",
                  "age_band", "overdue", "worker", "visited_since", "visited_until", "visited_category",
                  "visited_service_point", "visited_without_point"]

    def read_together(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        since, until, category = data.get("visited_since"), data.get("visited_until"), data.get("visited_category")
        point, without = data.get("visited_service_point"), bool(data.get("visited_without_point"))
        if since or until or category or point is not None or without:
            if not category:  # the list's own clients, each with such a visit
                # most of a scope's clients pass: probed in the list's order until the page is full
                self.probe_in_order = True
                return queryset.filter(visited_exists(since, until, point=point, without_point=without))
            kept, stations = None, self._stations(data)
            if point is None and not without:
                kept = visited_clients(station_ids=stations, since=since, until=until, category=category)
            if kept is None:
                kept = visited_in_period(since, until, category, stations, point=point,
                                         without_point=without)
            queryset = queryset.filter(pk__in=kept)
        return queryset

    def _stations(self, data):
        """The stations whose clients the list can show (the chosen one, else the scope's; None:
        every station), so that "visited in the period" is looked for among them only."""
        if data.get("station") is not None:
            return [data["station"].pk]
        return _scope_station_ids(self.request)

    def search(self, queryset, name, value):
        # Found people in name order. Ordered by id (the list's default), PostgreSQL walks the
        # primary key backwards hoping to meet 50 matches early; a search matches a handful, so
        # it read all 200,000 clients (130 ms) instead of the trigram indexes (7 ms).
        found = search_clients(queryset, value, wide=_wide_scope(self.request))
        return found.order_by("name", "pk") if value.strip() else found

    def filter_category(self, queryset, name, value):
        return queryset.filter(held_today(value, _scope_station_ids(self.request))) if value else queryset

    def filter_age_band(self, queryset, name, value):
        today = timezone.localdate()
        eighteen, sixty = _years_ago(today, 18), _years_ago(today, 60)
        if value == "child":
            return queryset.filter(birth_date__gt=eighteen)
        if value == "adult":
            return queryset.filter(birth_date__lte=eighteen, birth_date__gt=sixty)
        if value == "elderly":
            return queryset.filter(birth_date__lte=sixty)
        return queryset

    def filter_monitoring(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        if value == "yes":
            return queryset.active().filter(next_visit_due__lt=today)
        if value == "soon":
            return queryset.active().filter(next_visit_due__gte=today, next_visit_due__lte=soon)
        if value == "no":
            return queryset.active().filter(Q(next_visit_due__gt=soon) | Q(next_visit_due__isnull=True))
        if value == "follow_up":
            return queryset.active().filter(follow_up_on__lte=soon)
        return queryset


class WorklistFilterSet(SearchFilterSet):
    """The monitoring worklist: who is overdue or due soon, per station and per worker."""

    station = station_filter()
    worker = StaffChoiceFilter(queryset=Staff.objects.workers(), label=_("responsible worker"))
    category = django_filters.ChoiceFilter(choices=Category.choices, method="filter_category", label=_("category"))
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("risk level"))
    overdue = django_filters.ChoiceFilter(choices=[*MONITORING[:2], ("follow_up", _("Follow-up due within 7 days"))],
                                          method="filter_monitoring", label=_("visits"))

    class Meta:
        model = Client
        fields = ["q", "station", "worker", "category", "risk_level", "overdue"]

    search = ClientFilterSet.search
    filter_category = ClientFilterSet.filter_category
    filter_monitoring = ClientFilterSet.filter_monitoring


class HouseholdFilterSet(SearchFilterSet):
    station = station_filter()
    in_distress = django_filters.BooleanFilter(label=_("family in distress"),
                                               widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Household
        fields = ["q", "station", "in_distress"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        members = search_clients(Client.objects.filter(household=OuterRef("pk")), value)
        return queryset.filter(Q(address__icontains=value) | Q(village__icontains=value) | Exists(members))


class ScreeningCampaignFilterSet(SearchFilterSet):
    search_fields = ("name", "notes")

    class Meta:
        model = ScreeningCampaign
        fields = ["q"]
