"""THE counting engine of SPEC §3: one definition of every figure, used by the dashboard,
the bulletin, the annual report, the API and funding's achievement. Nothing else re-counts.

    compute(*, station_ids, start, end) -> dict          # the SPEC §3 keys for any scope and period
    for_user(user, *, start, end, station=None) -> dict  # the same, in the user's scope (404 outside it)
    month_period("2023-05"), year_period(2023)            # calendar periods in Asia/Shanghai

Periods are inclusive date ranges (``start`` and ``end`` are dates; records are dated with
date fields). A period that is exactly a calendar month or year is read from the rollup table
(``reports.models.StationPeriodFigures``), whose touched cells are recomputed on read; any
other range (a contract's period, for instance) is counted from the raw records. Both paths
run the same raw queries below, so they agree (``reconcile_figures`` checks it).

Definitions (SPEC §3), with the choices this engine makes explicit:

- ``stations``: stations of the scope open at the end of the period; ``social_workers``:
  staff with the social-worker or station-head role, active (and with an active account) at
  the end of the period. For a period that has not ended yet, "the end" is today.
- ``trainings`` / ``training_hours``: trainings dated in the period, hours summed once per
  training (not per attendee). Trainings belong to a county, not a station: for a county-wide
  scope (``county_ids`` given: the bureau, the center, the city viewer) they are the trainings
  of those counties; when the scope is narrowed to stations (a station user, ``station=``, or a
  caller that passes only ``station_ids``) they are the trainings attended by staff of those
  stations. So per-station training figures do not add up to the county's.
- ``supervisions`` / ``supervision_hours`` / ``station_evaluations``: records of the scope's
  stations dated in the period.
- ``visits``, ``resources_linked_amount``, ``casework`` (cases whose intake date is in the
  period), ``groupwork`` (groups whose first session is in the period),
  ``community_activities``: records of the scope's stations dated in the period; they add up
  across stations and months.
- ``visited_clients_by_category``: per category code, distinct clients visited in the period
  who held that category (``clients.CategoryMembership`` start_on ≤ visit date ≤ end_on) on the
  visit date. A client in two categories counts in both, so the categories do not add up to
  the visits. They add up across stations (a visit is made at its client's own station) but
  not across months.
- ``people_served`` (服务人次): visits + community-activity participants + group-session
  attendance + case service notes, all dated in the period.
- ``volunteers`` / ``volunteer_hours``: distinct volunteers with service recorded in the period
  (``services.VolunteerService``, at the scope's stations) and the sum of those records' hours
  (one decimal, as ``training_hours``). Kept in the rollup like the supervisions and station
  evaluations; distinct volunteers add up across stations (a volunteer serves at their own
  station) but not across months.

A station's figures break down by its village and community service points (村/社区社工室,
``by_service_point``): visits, activities and groups name at most one point of their station,
so the station's figure is the sum of its points' plus the station's own (records naming none).
"""

import calendar
import datetime
import logging
import re
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db import connections, models, transaction
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.choices import Category
from clients.models import CategoryMembership
from portal.scoping import scope_for
from services.models import (
    Activity,
    Case,
    CaseNote,
    Group,
    GroupSession,
    ResourceLink,
    Visit,
    VolunteerService,
)
from stations.choices import RegionLevel
from stations.models import Region, Staff, Station
from training.models import StationEvaluation, Supervision, Training, TrainingAttendance

from .models import EverVisitedClient, PeriodKind, StationPeriodFigures, VisitedClient

logger = logging.getLogger(__name__)
CATEGORY_CODES = [code for code, _label in Category.choices]

# The keys of SPEC §3, in its order.
KEYS = [
    "stations", "social_workers", "trainings", "training_hours", "supervisions", "supervision_hours",
    "station_evaluations", "visits", "visited_clients_by_category", "resources_linked_amount", "casework",
    "groupwork", "community_activities", "people_served", "volunteers", "volunteer_hours",
]
# Station-level keys kept in the rollup table (besides the per-category counts).
COUNT_KEYS = ["visits", "casework", "groupwork", "community_activities", "people_served"]
AMOUNT_KEY = "resources_linked_amount"
# Kept in the rollup too (station items): counts, and hours with one decimal.
ITEM_COUNT_KEYS = ["supervisions", "station_evaluations", "volunteers"]
HOUR_KEYS = ["supervision_hours", "volunteer_hours"]
ROLLUP_FIELDS = [*COUNT_KEYS, AMOUNT_KEY, *[f"visited_{code}" for code in CATEGORY_CODES], *ITEM_COUNT_KEYS,
                 *HOUR_KEYS]
HOUR = Decimal("0.0")
CENTS = Decimal("0.01")


# --- Periods ------------------------------------------------------------------------------

class Period(NamedTuple):
    """An inclusive range of dates: ``start, end = month_period("2023-05")``."""

    start: datetime.date
    end: datetime.date

    @property
    def kind(self):
        """``"month"`` or ``"year"`` for a calendar month or year, else ``None``."""
        if self.start.day == 1 and self.end == _month_end(self.start):
            return PeriodKind.MONTH
        if (self.start.month, self.start.day) == (1, 1) and self.end == datetime.date(self.start.year, 12, 31):
            return PeriodKind.YEAR
        return None

    def as_of(self):
        """The day "the end of the period" means: its last day, or today if it has not ended."""
        return min(self.end, timezone.localdate())


MIN_YEAR, MAX_YEAR = 2000, 2100


def _month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _check_year(year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})


def year_period(year):
    """The calendar year ``year`` (an int or a string of four digits)."""
    text = str(year).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(_("Give the year as four digits, for example 2023."))
    number = int(text)
    _check_year(number)
    return Period(datetime.date(number, 1, 1), datetime.date(number, 12, 31))


def month_period(month):
    """The calendar month ``"YYYY-MM"`` (a ``date`` in the month is accepted too)."""
    if isinstance(month, datetime.date):
        return Period(month.replace(day=1), _month_end(month))
    text = str(month).strip()
    found = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError(_("Give the month as YYYY-MM, for example 2023-05."))
    _check_year(int(found[1]))
    start = datetime.date(int(found[1]), int(found[2]), 1)
    return Period(start, _month_end(start))


def cell_periods(day):
    """The (kind, period start) of the month cell and the year cell a date falls in."""
    return [(PeriodKind.MONTH, day.replace(day=1)), (PeriodKind.YEAR, day.replace(month=1, day=1))]


def period_of(kind, period_start):
    if kind == PeriodKind.MONTH:
        return Period(period_start, _month_end(period_start))
    return Period(period_start, datetime.date(period_start.year, 12, 31))


# --- Raw counting (the one definition; the rollup stores what this returns) -----------------

def _in(queryset, field, station_ids):
    return queryset if station_ids is None else queryset.filter(**{f"{field}__in": sorted(station_ids)})


def _visited_sets(visits):
    """{station_id: {category code: {client ids}}}: for each station, the distinct clients of
    ``visits`` who held each category on the visit date.

    Two linear queries (the visits, and the memberships of their clients) joined in Python: a
    correlated EXISTS lets SQLite pick the (category, start_on) index and scan every membership
    per visit, which is quadratic."""
    rows = list(visits.values_list("station", "client", "visited_on").order_by())
    held = defaultdict(list)
    memberships = CategoryMembership.objects.filter(client__in=visits.values("client")).values_list(
        "client", "category", "start_on", "end_on").order_by()
    for client_id, code, start_on, end_on in memberships:
        held[client_id].append((code, start_on, end_on))
    result = defaultdict(lambda: defaultdict(set))
    for station_id, client_id, day in rows:
        for code, start_on, end_on in held.get(client_id, ()):
            if start_on <= day and (end_on is None or end_on >= day):
                result[station_id][code].add(client_id)
    return result


def _visited_counts(visits, *, by_station):
    """{station_id: {category code: distinct clients}} of ``visits`` who held the category on the
    visit date (``by_station=False``: one entry, ``None``, distinct over the whole scope).

    On PostgreSQL one grouped join counted by the database (a hash join of the period's visits
    with the memberships: about 3x faster than moving the visits into Python at city scale,
    docs/scaling.md); elsewhere the sets of ``_visited_sets``. Both apply the same definition."""
    if connections[visits.db].vendor != "postgresql":
        sets = _visited_sets(visits)
        if by_station:
            return {station_id: {code: len(clients) for code, clients in by_code.items()}
                    for station_id, by_code in sets.items()}
        union = defaultdict(set)
        for by_code in sets.values():
            for code, clients in by_code.items():
                union[code] |= clients
        return {None: {code: len(clients) for code, clients in union.items()}}
    inner, params = visits.values_list("station", "client", "visited_on").order_by().query.sql_with_params()
    key = "v.station_id" if by_station else "NULL::bigint"
    membership = CategoryMembership._meta.db_table
    sql = (f"SELECT {key}, m.category, COUNT(DISTINCT v.client_id) "
           f"FROM ({inner}) v(station_id, client_id, visited_on) "
           f"JOIN {membership} m ON m.client_id = v.client_id AND m.start_on <= v.visited_on "
           "AND (m.end_on IS NULL OR m.end_on >= v.visited_on) GROUP BY 1, 2")
    result = defaultdict(dict)
    with connections[visits.db].cursor() as cursor:
        cursor.execute(sql, params)
        for station_id, code, count in cursor.fetchall():
            result[station_id][code] = count
    return dict(result)


def _grouped(queryset, station_field, **aggregates):
    return {row.pop(station_field): row for row in queryset.values(station_field).annotate(**aggregates).order_by()}


# The records each station-level figure counts, for a scope and period: the engine counts them
# here and the drill-down lists (the dashboard's links, ``people_served_parts``) are filtered
# to the same records, so a list's total is its figure.

def visits_in(station_ids, start, end):
    return _in(Visit.objects.filter(visited_on__gte=start, visited_on__lte=end), "station", station_ids)


def resource_links_in(station_ids, start, end):
    return _in(ResourceLink.objects.filter(linked_on__gte=start, linked_on__lte=end), "station", station_ids)


def cases_in(station_ids, start, end):
    return _in(Case.objects.filter(intake_on__gte=start, intake_on__lte=end), "station", station_ids)


def groups_started_in(station_ids, start, end):
    """Groups whose first session is in the period (``Group.objects.first_session_between``)."""
    return _in(Group.objects.first_session_between(start, end), "station", station_ids)


def activities_in(station_ids, start, end):
    return _in(Activity.objects.filter(held_on__gte=start, held_on__lte=end), "station", station_ids)


def group_sessions_in(station_ids, start, end):
    return _in(GroupSession.objects.filter(held_on__gte=start, held_on__lte=end), "group__station", station_ids)


def case_notes_in(station_ids, start, end):
    return _in(CaseNote.objects.filter(noted_on__gte=start, noted_on__lte=end), "case__station", station_ids)


def volunteer_services_in(station_ids, start, end):
    return _in(VolunteerService.objects.filter(served_on__gte=start, served_on__lte=end), "station", station_ids)


def _at_point(queryset, field, point, own):
    """Narrow to the records naming service point ``point`` (an id), or naming none (``own``)."""
    if point is not None:
        return queryset.filter(**{field: point})
    if own:
        return queryset.filter(**{f"{field}__isnull": True})
    return queryset


def people_served_parts(*, station_ids, start, end, point=None, own=False):
    """The four parts of ``people_served`` (人次), counted raw: visits, participants of community
    activities, attendance of group sessions and case service notes of the period; narrowed to
    one service point (``point``) or to the station's own records (``own``) when asked (case
    notes name no point: they are the station's own)."""
    activities = _at_point(activities_in(station_ids, start, end), "service_point", point, own).aggregate(
        people=Sum("participant_count"))
    sessions = _at_point(group_sessions_in(station_ids, start, end), "group__service_point", point, own).aggregate(
        people=Sum("attendance_count"))
    return {
        "visits": _at_point(visits_in(station_ids, start, end), "service_point", point, own).count(),
        "activity_participants": activities["people"] or 0,
        "group_attendance": sessions["people"] or 0,
        "case_notes": 0 if point is not None else case_notes_in(station_ids, start, end).count(),
    }


BREAKDOWN_KEYS = ["visits", "visited_clients", "community_activities", "groupwork", "people_served"]


def by_service_point(*, station_id, start, end):
    """{point id or None: {visits, visited_clients, community_activities, groupwork,
    people_served}} of one station for start..end: each of its service points, and ``None`` for
    the station's own records (naming no point). Every key but ``visited_clients`` adds up to
    the station's figure; ``visited_clients`` is distinct per point (a client visited at two
    points counts at both). Counted raw, a constant number of queries."""
    ids = [station_id]
    rows = defaultdict(lambda: dict.fromkeys(BREAKDOWN_KEYS, 0))
    visits = visits_in(ids, start, end)
    for point, row in _grouped(visits, "service_point", n=Count("id"), people=Count("client", distinct=True)).items():
        rows[point]["visits"] = row["n"]
        rows[point]["visited_clients"] = row["people"]
        rows[point]["people_served"] += row["n"]
    activities = activities_in(ids, start, end)
    for point, row in _grouped(activities, "service_point", n=Count("id"), people=Sum("participant_count")).items():
        rows[point]["community_activities"] = row["n"]
        rows[point]["people_served"] += row["people"] or 0
    for point, row in _grouped(groups_started_in(ids, start, end), "service_point", n=Count("id")).items():
        rows[point]["groupwork"] = row["n"]
    sessions = group_sessions_in(ids, start, end)
    for point, row in _grouped(sessions, "group__service_point", people=Sum("attendance_count")).items():
        rows[point]["people_served"] += row["people"] or 0
    rows[None]["people_served"] += case_notes_in(ids, start, end).count()
    return dict(rows)


def station_level_raw(station_ids, start, end):
    """{station_id: {rollup field: value}} counted from the raw records of ``start``..``end``.

    Only stations with at least one record appear. Constant number of queries whatever the
    number of stations (one grouped query per record type)."""
    rows = defaultdict(_empty_row)
    visits = visits_in(station_ids, start, end)
    for station_id, row in _grouped(visits, "station", n=Count("id")).items():
        rows[station_id]["visits"] += row["n"]
        rows[station_id]["people_served"] += row["n"]
    for station_id, by_code in _visited_counts(visits, by_station=True).items():
        for code, count in by_code.items():
            rows[station_id][f"visited_{code}"] = count
    links = resource_links_in(station_ids, start, end)
    for station_id, row in _grouped(links, "station", total=Sum("value")).items():
        rows[station_id][AMOUNT_KEY] = (row["total"] or Decimal(0)).quantize(CENTS)
    cases = cases_in(station_ids, start, end)
    for station_id, row in _grouped(cases, "station", n=Count("id")).items():
        rows[station_id]["casework"] = row["n"]
    groups = groups_started_in(station_ids, start, end)
    for station_id, row in _grouped(groups, "station", n=Count("id")).items():
        rows[station_id]["groupwork"] = row["n"]
    activities = activities_in(station_ids, start, end)
    for station_id, row in _grouped(activities, "station", n=Count("id"), people=Sum("participant_count")).items():
        rows[station_id]["community_activities"] = row["n"]
        rows[station_id]["people_served"] += row["people"] or 0
    sessions = group_sessions_in(station_ids, start, end)
    for station_id, row in _grouped(sessions, "group__station", people=Sum("attendance_count")).items():
        rows[station_id]["people_served"] += row["people"] or 0
    notes = case_notes_in(station_ids, start, end)
    for station_id, row in _grouped(notes, "case__station", n=Count("id")).items():
        rows[station_id]["people_served"] += row["n"]
    supervisions = _in(Supervision.objects.filter(supervised_on__gte=start, supervised_on__lte=end), "station",
                       station_ids)
    for station_id, row in _grouped(supervisions, "station", n=Count("id"), hours=Sum("hours")).items():
        rows[station_id]["supervisions"] = row["n"]
        rows[station_id]["supervision_hours"] = (row["hours"] or HOUR).quantize(HOUR)
    evaluations = _in(StationEvaluation.objects.filter(evaluated_on__gte=start, evaluated_on__lte=end), "station",
                      station_ids)
    for station_id, row in _grouped(evaluations, "station", n=Count("id")).items():
        rows[station_id]["station_evaluations"] = row["n"]
    volunteering = volunteer_services_in(station_ids, start, end)
    for station_id, row in _grouped(volunteering, "station", n=Count("volunteer", distinct=True),
                                    hours=Sum("hours")).items():
        rows[station_id]["volunteers"] = row["n"]
        rows[station_id]["volunteer_hours"] = (row["hours"] or HOUR).quantize(HOUR)
    return dict(rows)


def _empty_row():
    return {**{key: 0 for key in COUNT_KEYS}, AMOUNT_KEY: Decimal("0.00"),
            **{f"visited_{code}": 0 for code in CATEGORY_CODES}, **{key: 0 for key in ITEM_COUNT_KEYS},
            **{key: HOUR for key in HOUR_KEYS}}


def _visited_distinct_raw(station_ids, start, end):
    """Distinct visited clients per category over the whole scope (not summed per station)."""
    visits = visits_in(station_ids, start, end)
    counts = _visited_counts(visits, by_station=False).get(None, {})
    return {code: counts.get(code, 0) for code in CATEGORY_CODES}


def store_visited(station_ids, kind, period_start, *, ever=True):
    """Rewrite the ``VisitedClient`` rows of the cells of ``station_ids`` (``None``: every
    station) for one period: the people behind their ``visited_<category>`` counts, by the same
    definition (``_visited_sets``; on PostgreSQL the same join as ``_visited_counts``, written
    by the database itself). A year's rows rewrite the stations' ``EverVisitedClient`` rows too
    (``ever``; ``rebuild`` does it once at the end)."""
    _store_visited(station_ids, kind, period_start)
    if ever and kind == PeriodKind.YEAR:
        store_ever_visited(station_ids)


def store_ever_visited(station_ids):
    """Rewrite the ``EverVisitedClient`` rows of ``station_ids`` (``None``: every station): their
    kept year rows made distinct, in one ``INSERT … SELECT DISTINCT``."""
    old = _in(EverVisitedClient.objects.all(), "station", station_ids)
    old._raw_delete(old.db)  # no signals, no cascades: one DELETE
    years = _in(VisitedClient.objects.filter(kind=PeriodKind.YEAR), "station", station_ids)
    inner, params = years.values_list("station", "category", "client").order_by().distinct().query.sql_with_params()
    with connections[years.db].cursor() as cursor:
        cursor.execute(f"INSERT INTO {EverVisitedClient._meta.db_table} (station_id, category, client_id) {inner}",
                       params)


def _store_visited(station_ids, kind, period_start):
    period = period_of(kind, period_start)
    old = _in(VisitedClient.objects.filter(kind=kind, period_start=period_start), "station", station_ids)
    old._raw_delete(old.db)  # no signals, no cascades: one DELETE
    visits = visits_in(station_ids, period.start, period.end)
    if connections[visits.db].vendor == "postgresql":
        inner, params = visits.values_list("station", "client", "visited_on").order_by().query.sql_with_params()
        membership = CategoryMembership._meta.db_table
        sql = (f"INSERT INTO {VisitedClient._meta.db_table} (station_id, kind, period_start, category, client_id) "
               f"SELECT DISTINCT v.station_id, %s, %s, m.category, v.client_id "
               f"FROM ({inner}) v(station_id, client_id, visited_on) "
               f"JOIN {membership} m ON m.client_id = v.client_id AND m.start_on <= v.visited_on "
               "AND (m.end_on IS NULL OR m.end_on >= v.visited_on)")
        with connections[visits.db].cursor() as cursor:
            cursor.execute(sql, (kind, period_start, *params))
        return
    VisitedClient.objects.bulk_create(
        [VisitedClient(station_id=station_id, kind=kind, period_start=period_start, category=code, client_id=client)
         for station_id, by_code in _visited_sets(visits).items() for code, clients in by_code.items()
         for client in clients], batch_size=1000)


def visited_clients(*, station_ids, since, until, category):
    """The ids of the clients behind the ``visited_<category>`` figure of ``station_ids`` for a
    calendar month or year (the hook ``clients.hooks.visited_clients``), or with neither date
    ("visited ever": the union of every year's people; each visit lies in one year cell, made
    when it was written); None for another period. Dirty cells are recomputed first, exactly as
    a figure read does, so the list and the figure it came from read the same rows."""
    if since is None and until is None:
        # "ever" joined every visit of the scope with the memberships: 110 ms for a county
        # bureau at city scale (make bench, crawl_worst_page; docs/scaling.md)
        kind = PeriodKind.YEAR
        starts = sorted(set(_in(StationPeriodFigures.objects.filter(kind=kind, dirty=True), "station", station_ids)
                            .values_list("period_start", flat=True)))
    elif since is None or until is None or Period(since, until).kind is None:
        return None
    else:
        kind, starts = Period(since, until).kind, [since]
    if station_ids is not None:
        station_ids = frozenset(int(pk) for pk in station_ids)
    if starts and refresh_on_read():
        refresh_dirty(station_ids, kind, starts)
    elif starts:
        refresh_stale(station_ids, kind, starts)
    if since is None:
        # every kept year's people, made distinct with the year rows (``store_ever_visited``): the
        # union of the year rows themselves was a county's 40,000 rows of 低保 made distinct for
        # 14,000 people on every page and count (page 22-33 -> 7 ms, count 9 -> 3 ms for a
        # county bureau at city scale)
        rows = EverVisitedClient.objects.filter(category=category)
    else:
        rows = VisitedClient.objects.filter(kind=kind, category=category, period_start=since)
    return _in(rows, "station", station_ids).values("client")


def _sum_rows(rows):
    total = _empty_row()
    for row in rows:
        for key in total:
            total[key] += row[key]
    return total


# --- Rollup -------------------------------------------------------------------------------

def _cells(station_ids, kind, starts):
    queryset = StationPeriodFigures.objects.filter(kind=kind, period_start__in=starts)
    return _in(queryset, "station", station_ids)


def refresh_dirty(station_ids, kind, starts):
    """Recompute the dirty cells among the scope's cells of these periods; returns how many."""
    dirty = list(_cells(station_ids, kind, starts).filter(dirty=True).values_list("pk", "station", "period_start",
                                                                                 "version"))
    by_period = defaultdict(list)
    for pk, station_id, period_start, version in dirty:
        by_period[period_start].append((pk, station_id, version))
    now = timezone.now()
    for period_start, cells in by_period.items():
        period = period_of(kind, period_start)
        raw = station_level_raw({station_id for _pk, station_id, _v in cells}, period.start, period.end)
        empty = _sum_rows([])
        for pk, station_id, version in cells:
            # Cleared only if no write marked the cell again meanwhile (the version check).
            StationPeriodFigures.objects.filter(pk=pk, version=version).update(
                **raw.get(station_id, empty), dirty=False, refreshed_at=now)
        store_visited({station_id for _pk, station_id, _v in cells}, period.kind, period_start)
    return len(dirty)


def mark_dirty(touched):
    """Mark the month and year cells of ``touched`` — an iterable of (station_id, date) — dirty.

    Called by the receivers in the same transaction as the write, so the mark commits (or rolls
    back) with the record."""
    keys = {(station_id, kind, start) for station_id, day in touched if station_id and day
            for kind, start in cell_periods(day)}
    if not keys:
        return
    now = timezone.now()
    StationPeriodFigures.objects.bulk_create(
        [StationPeriodFigures(station_id=s, kind=k, period_start=p, dirty=True, marked_at=now)
         for s, k, p in sorted(keys)],
        ignore_conflicts=True,
    )
    match = Q()
    for station_id, kind, start in keys:
        match |= Q(station_id=station_id, kind=kind, period_start=start)
    StationPeriodFigures.objects.filter(match).update(dirty=True, version=F("version") + 1, marked_at=now)


def _data_dates():
    """The first and last dates of any record that feeds the rollup (None, None if none)."""
    bounds = [
        Visit.objects.aggregate(a=models.Min("visited_on"), b=models.Max("visited_on")),
        ResourceLink.objects.aggregate(a=models.Min("linked_on"), b=models.Max("linked_on")),
        Case.objects.aggregate(a=models.Min("intake_on"), b=models.Max("intake_on")),
        GroupSession.objects.aggregate(a=models.Min("held_on"), b=models.Max("held_on")),
        Activity.objects.aggregate(a=models.Min("held_on"), b=models.Max("held_on")),
        CaseNote.objects.aggregate(a=models.Min("noted_on"), b=models.Max("noted_on")),
        Supervision.objects.aggregate(a=models.Min("supervised_on"), b=models.Max("supervised_on")),
        StationEvaluation.objects.aggregate(a=models.Min("evaluated_on"), b=models.Max("evaluated_on")),
        VolunteerService.objects.aggregate(a=models.Min("served_on"), b=models.Max("served_on")),
    ]
    firsts = [b["a"] for b in bounds if b["a"]]
    lasts = [b["b"] for b in bounds if b["b"]]
    return (min(firsts), max(lasts)) if firsts else (None, None)


def first_record_date(station_ids):
    """The date of the scope's first dated record of any kind the figures count (None if it has
    none): the dashboard's periods run from it to today, whatever the rollup holds.

    The records the rollup counts are read from its month cells: a write creates its cell at
    once (``mark_dirty``), so the first cell that holds a figure or waits to be recounted is the
    month of the first such record (its first day stands for it: the choices are months).
    Eight MIN()s over a city's raw tables cost 60 ms of every dashboard counted afresh (make
    bench, crawl_worst_page); the cells are one index range. One statement written here, as
    ``_rollup_sums`` is: the ORM's 23 conditions took 3 of its 4.5 ms to build (city scale)."""
    opts = StationPeriodFigures._meta
    connection, column = _rollup_columns()
    held = " OR ".join([column["dirty"], *(f"{column[name]} > 0" for name in ROLLUP_FIELDS)])
    where, params = f"{column['kind']} = %s AND ({held})", [PeriodKind.MONTH]
    if station_ids is not None:
        ids = sorted(station_ids)
        if not ids:
            return None
        where += f" AND {column['station']} IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({column['period_start']}) FROM {connection.ops.quote_name(opts.db_table)} "
                       f"WHERE {where}", params)
        (first,) = cursor.fetchone()
    return opts.get_field("period_start").to_python(first)


def all_cell_periods():
    """Every (kind, period start) from the first record's month to the last record's."""
    first, last = _data_dates()
    if first is None:
        return []
    periods = []
    month = first.replace(day=1)
    while month <= last:
        periods.append((PeriodKind.MONTH, month))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    periods += [(PeriodKind.YEAR, datetime.date(year, 1, 1)) for year in range(first.year, last.year + 1)]
    return periods


def rebuild(stdout=None):
    """Recompute every cell from the raw records (``refresh_figures``, and after bulk loads that
    bypass the signals, such as ``seed_demo``). Cells that no longer have data are zeroed."""
    now = timezone.now()
    existing = {(c.station_id, c.kind, c.period_start): c for c in StationPeriodFigures.objects.all()}
    seen = set()
    to_create, to_update = [], []
    for kind, period_start in all_cell_periods():
        period = period_of(kind, period_start)
        for station_id, values in station_level_raw(None, period.start, period.end).items():
            key = (station_id, kind, period_start)
            seen.add(key)
            cell = existing.get(key) or StationPeriodFigures(station_id=station_id, kind=kind,
                                                              period_start=period_start)
            for field, value in values.items():
                setattr(cell, field, value)
            cell.dirty, cell.refreshed_at = False, now
            (to_update if cell.pk else to_create).append(cell)
    for key, cell in existing.items():
        if key not in seen:
            for field in ROLLUP_FIELDS:
                setattr(cell, field, 0)
            cell.dirty, cell.refreshed_at = False, now
            to_update.append(cell)
    with transaction.atomic():
        StationPeriodFigures.objects.bulk_create(to_create, batch_size=500)
        StationPeriodFigures.objects.bulk_update(to_update, [*ROLLUP_FIELDS, "dirty", "refreshed_at"], batch_size=500)
        periods = all_cell_periods()
        for kind, period_start in periods:
            store_visited(None, kind, period_start, ever=False)
        gone = VisitedClient.objects.exclude(period_start__in={start for _kind, start in periods})
        gone._raw_delete(gone.db)  # periods left without any record
        store_ever_visited(None)
    if stdout is not None:
        stdout.write(f"{len(to_create)} cells created, {len(to_update)} updated.")
    return len(to_create) + len(to_update)


def reconcile():
    """Differences between the rollup as served (dirty cells refreshed first, like a read) and a
    raw recount of every cell: a list of (station_id, kind, period_start, field, rollup, raw)."""
    differences = []
    periods = set(all_cell_periods()) | set(StationPeriodFigures.objects.values_list("kind", "period_start").distinct())
    for kind, period_start in sorted(periods):
        refresh_dirty(None, kind, [period_start])
        stored = {c.station_id: c for c in _cells(None, kind, [period_start])}
        period = period_of(kind, period_start)
        raw = station_level_raw(None, period.start, period.end)
        empty = _sum_rows([])
        for station_id in sorted(set(stored) | set(raw)):
            cell = stored.get(station_id)
            for field in ROLLUP_FIELDS:
                have = getattr(cell, field) if cell else _empty_row()[field]
                want = raw.get(station_id, empty)[field]
                if have != want:
                    differences.append((station_id, kind, period_start, field, have, want))
        kept = defaultdict(int)
        for station_id, code, n in VisitedClient.objects.filter(kind=kind, period_start=period_start).values_list(
                "station", "category").annotate(n=Count("id")).order_by():
            kept[(station_id, code)] = n
        for station_id in sorted(set(raw) | {station_id for station_id, _code in kept}):
            for code in CATEGORY_CODES:
                want = raw.get(station_id, empty)[f"visited_{code}"]
                if kept[(station_id, code)] != want:
                    differences.append((station_id, kind, period_start, f"visited_{code} (people)",
                                        kept[(station_id, code)], want))
    # the people of any kept year (``EverVisitedClient``): the year rows made distinct
    want = set(VisitedClient.objects.filter(kind=PeriodKind.YEAR).values_list("station", "category", "client")
               .order_by().distinct())
    have = set(EverVisitedClient.objects.values_list("station", "category", "client"))
    for station_id, code in sorted({(s, c) for s, c, _client in want ^ have}):
        differences.append((station_id, "ever", None, f"visited_{code} (people)",
                            sum(1 for s, c, _client in have if (s, c) == (station_id, code)),
                            sum(1 for s, c, _client in want if (s, c) == (station_id, code))))
    return differences


def refresh_on_read():
    """Whether reads recompute the dirty cells they touch (``FIGURES_REFRESH = "read"``, the
    default: exact at once, fine for a county) or leave them to the background refresher
    (``"worker"``: the beat entry "figures-refresh" on the Celery worker; a city's dashboards then never wait for
    a recount, and a saved record shows within the refresh interval)."""
    from django.conf import settings

    return getattr(settings, "FIGURES_REFRESH", "read") != "worker"


# In worker mode a read leaves dirty cells to the refresher, unless one has waited this long:
# then the refresher is not running, and the read recounts rather than show old figures.
STALE_AFTER = datetime.timedelta(minutes=2)


def refresh_stale(station_ids, kind, starts):
    """Recompute the scope's dirty cells of these periods marked more than STALE_AFTER ago (a
    stopped refresher); one indexed query when there are none."""
    stale = _cells(station_ids, kind, starts).filter(dirty=True, marked_at__lt=timezone.now() - STALE_AFTER)
    if stale.exists():
        logger.warning("figures: dirty cells older than %s; are the Celery worker and beat running?", STALE_AFTER)
        return refresh_dirty(station_ids, kind, starts)
    return 0


def refresh_all_dirty():
    """Recompute every dirty cell (the background refresher's one pass); returns how many."""
    done = 0
    pending = StationPeriodFigures.objects.filter(dirty=True).values_list("kind", "period_start").distinct()
    for kind, period_start in sorted(set(pending)):
        done += refresh_dirty(None, kind, [period_start])
    return done


def _rollup_rows(station_ids, kind, starts, group_by):
    """Summed rollup fields of the cells, grouped by ``group_by`` (``None``, "station" or
    "period_start"), after refreshing the dirty ones when reads refresh (``refresh_on_read``);
    else those a stopped refresher left stale (``refresh_stale``), found by the same query."""
    if refresh_on_read():
        refresh_dirty(station_ids, kind, starts)
        return _rollup_sums(station_ids, kind, starts, group_by)[0]
    rows, stale = _rollup_sums(station_ids, kind, starts, group_by, stale_before=timezone.now() - STALE_AFTER)
    if not stale:
        return rows
    logger.warning("figures: dirty cells older than %s; are the Celery worker and beat running?", STALE_AFTER)
    refresh_dirty(station_ids, kind, starts)
    return _rollup_sums(station_ids, kind, starts, group_by)[0]


_SUM_QUANTUM = {AMOUNT_KEY: CENTS, **dict.fromkeys(HOUR_KEYS, HOUR)}


def _rollup_columns():
    """(connection, {field name: quoted column}) of the rollup table, for the statements written
    here (``_rollup_sums``, ``first_record_date``)."""
    opts = StationPeriodFigures._meta
    connection = connections[StationPeriodFigures.objects.db]
    return connection, {name: connection.ops.quote_name(opts.get_field(name).column) for name in
                        [*ROLLUP_FIELDS, "kind", "period_start", "station", "dirty", "marked_at"]}


def _rollup_sums(station_ids, kind, starts, group_by, stale_before=None):
    """``({group: summed fields}, stale cells)``: one statement written here, not by the ORM.
    Every dashboard reads the rollup two or three times, and building the ORM's 22 sums and
    their filters was more than half of each read (~2 of 3.6 ms at city scale; make bench,
    crawl_worst_page); the staleness check was a query of its own. Values as the ORM gives them
    (counts int, the amount and hours Decimal), on PostgreSQL and SQLite alike."""
    opts = StationPeriodFigures._meta
    connection, column = _rollup_columns()
    prep = opts.get_field("period_start")
    params = [kind, *(prep.get_db_prep_value(start, connection) for start in starts)]
    where = f"{column['kind']} = %s AND {column['period_start']} IN ({', '.join(['%s'] * len(starts))})"
    if station_ids is not None:
        ids = sorted(station_ids)
        if not ids:
            return ({} if group_by else {None: _empty_row()}), 0
        where += f" AND {column['station']} IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    stale = "0"
    if stale_before is not None:
        stale = f"SUM(CASE WHEN {column['dirty']} AND {column['marked_at']} < %s THEN 1 ELSE 0 END)"
        params.insert(0, opts.get_field("marked_at").get_db_prep_value(stale_before, connection))
    key = "NULL" if group_by is None else column[group_by]
    sums = ", ".join(f"SUM({column[name]})" for name in ROLLUP_FIELDS)
    sql = f"SELECT {key}, {stale}, {sums} FROM {connection.ops.quote_name(opts.db_table)} WHERE {where}"
    if group_by is not None:
        sql += f" GROUP BY {key}"
    rows, stale_cells = {}, 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group, stale_count, *values in cursor.fetchall():
            if group_by == "period_start" and isinstance(group, str):
                group = datetime.date.fromisoformat(group)
            stale_cells += int(stale_count or 0)
            row = {}
            for name, value in zip(ROLLUP_FIELDS, values, strict=True):
                quantum = _SUM_QUANTUM.get(name)
                row[name] = int(value or 0) if quantum is None else Decimal(value or 0).quantize(quantum)
            rows[group] = row
    return rows, stale_cells


# --- County-level items (small tables, counted raw) ------------------------------------------

def _trainings(station_ids, county_ids, start, end):
    trainings = Training.objects.filter(held_on__gte=start, held_on__lte=end)
    if county_ids is not None:
        trainings = trainings.filter(county__in=sorted(county_ids))
    elif station_ids is not None:
        attended = TrainingAttendance.objects.filter(staff__station__in=sorted(station_ids)).values("training")
        trainings = trainings.filter(pk__in=attended)
    result = trainings.aggregate(n=Count("id"), hours=Sum("hours"))
    return result["n"], result["hours"] or Decimal("0.0")


def trainings_by_county(county_ids, start, end):
    """{county_id: trainings dated start..end} (the county-wide definition of ``_trainings``)."""
    rows = Training.objects.filter(held_on__gte=start, held_on__lte=end, county__in=sorted(county_ids))
    return {row["county"]: row["n"] for row in rows.values("county").annotate(n=Count("id")).order_by()}


def _station_items(station_ids, period):
    """stations and social_workers: counted at the end of the period, not kept in the rollup."""
    day = period.as_of()
    return {
        "stations": _in(Station.objects.open_on(day), "pk", station_ids).count(),
        "social_workers": _in(Staff.objects.active(on=day).workers(), "station", station_ids).count(),
    }


def _number(hours):
    """Hours as a JSON-friendly number: 120 for 120.0, 2.5 for 2.5."""
    value = Decimal(hours)
    return int(value) if value == value.to_integral_value() else float(value)


def _assemble(items, trainings, station_level, visited):
    count, hours = trainings
    return {
        "stations": items["stations"],
        "social_workers": items["social_workers"],
        "trainings": count,
        "training_hours": _number(hours),
        "supervisions": station_level["supervisions"],
        "supervision_hours": _number(station_level["supervision_hours"]),
        "station_evaluations": station_level["station_evaluations"],
        "visits": station_level["visits"],
        "visited_clients_by_category": visited,
        "resources_linked_amount": f"{Decimal(station_level[AMOUNT_KEY]).quantize(CENTS)}",
        "casework": station_level["casework"],
        "groupwork": station_level["groupwork"],
        "community_activities": station_level["community_activities"],
        "people_served": station_level["people_served"],
        "volunteers": station_level["volunteers"],
        "volunteer_hours": _number(station_level["volunteer_hours"]),
    }


# --- The public API -----------------------------------------------------------------------

def compute(*, station_ids, start, end, county_ids=None, raw=False):
    """The SPEC §3 figures of the stations ``station_ids`` (``None``: every station) for the
    inclusive dates ``start``..``end``.

    ``county_ids`` (optional) says the scope is county-wide, which decides the training
    figures (see the module docstring). ``raw=True`` counts everything from the raw records,
    bypassing the rollup (reconciliation and tests)."""
    period = Period(start, end)
    if start > end:
        raise ValueError(_("The start of the period cannot be after its end."))
    if station_ids is not None:
        station_ids = frozenset(int(pk) for pk in station_ids)
    if raw or period.kind is None:
        station_level = _sum_rows(station_level_raw(station_ids, start, end).values())
        visited = _visited_distinct_raw(station_ids, start, end)
    else:
        station_level = _rollup_rows(station_ids, period.kind, [start], None)[None]
        # Distinct per station, and a visit is at its client's own station: the sum is distinct.
        visited = {code: station_level[f"visited_{code}"] for code in CATEGORY_CODES}
    trainings = _trainings(station_ids, county_ids, start, end)
    return _assemble(_station_items(station_ids, period), trainings, station_level, visited)


def by_station(*, station_ids, start, end, trainings=True):
    """{station_id: figures} for every station of ``station_ids`` (open or not), with the same
    keys as ``compute`` narrowed to that station (trainings: those its staff attended).
    Constant number of queries in the number of stations.

    ``trainings=False`` leaves out ``trainings`` and ``training_hours``: the dashboard's tables by
    station and by county show neither (a county's trainings are its own, ``trainings_by_county``),
    and the stations' attendance of the period, made distinct by station, was the dashboard's
    slowest query (11 ms of a city viewer's at city scale; make bench, crawl_worst_page)."""
    period = Period(start, end)
    station_ids = frozenset(int(pk) for pk in station_ids)
    if period.kind is None:
        station_level = station_level_raw(station_ids, start, end)
    else:
        station_level = _rollup_rows(station_ids, period.kind, [start], "station")
    day = period.as_of()
    open_ids = set(_in(Station.objects.open_on(day), "pk", station_ids).values_list("pk", flat=True))
    workers = _grouped(_in(Staff.objects.active(on=day).workers(), "station", station_ids), "station", n=Count("id"))
    attended = defaultdict(dict)
    if trainings:
        for station_id, training_id, hours in (
            TrainingAttendance.objects.filter(staff__station__in=sorted(station_ids), training__held_on__gte=start,
                                              training__held_on__lte=end)
            .values_list("staff__station", "training", "training__hours").order_by().distinct()
        ):  # no order: Staff's default ordering joined the regions into the DISTINCT (12 ms at city scale)
            attended[station_id][training_id] = hours
    empty = _sum_rows([])
    result = {}
    for station_id in sorted(station_ids):
        level = station_level.get(station_id, empty)
        items = {"stations": int(station_id in open_ids), "social_workers": workers.get(station_id, {}).get("n", 0)}
        hours = attended.get(station_id, {})
        attended_trainings = (len(hours), sum(hours.values(), Decimal("0.0")))
        visited = {code: level[f"visited_{code}"] for code in CATEGORY_CODES}
        result[station_id] = row = _assemble(items, attended_trainings, level, visited)
        if not trainings:
            del row["trainings"], row["training_hours"]
    return result


def compute_with_stations(*, station_ids, start, end, county_ids=None):
    """``(compute(...), by_station(...))`` of the same stations and period, each figure read
    once: the totals are the sum of the stations' rows (every key adds up across stations but
    the trainings, module docstring), the trainings counted for the scope as ``compute`` counts
    them. A dashboard that lists its stations read every figure twice (8 queries, ~9 ms of a
    county's dashboard at city scale; make bench, crawl_worst_page)."""
    rows = by_station(station_ids=station_ids, start=start, end=end, trainings=False)
    total = {key: 0 for key in ("stations", "social_workers", "supervisions", "station_evaluations", "visits",
                                "casework", "groupwork", "community_activities", "people_served", "volunteers")}
    hours = {"supervision_hours": Decimal("0.0"), "volunteer_hours": Decimal("0.0")}
    amount = Decimal("0.00")
    visited = dict.fromkeys(CATEGORY_CODES, 0)
    for row in rows.values():
        for key in total:
            total[key] += row[key]
        for key in hours:
            hours[key] += Decimal(str(row[key]))
        amount += Decimal(row[AMOUNT_KEY])
        for code in CATEGORY_CODES:
            visited[code] += row["visited_clients_by_category"][code]
    station_level = {**total, **hours, AMOUNT_KEY: amount}
    items = total
    trainings = _trainings(frozenset(int(pk) for pk in station_ids), county_ids, start, end)
    return _assemble(items, trainings, station_level, visited), rows


def monthly_series(*, station_ids, year):
    """The station-level figures of each month of ``year`` (12 dicts with ``month`` = 1..12):
    the additive keys and the per-category distinct counts of that month."""
    starts = [datetime.date(int(year), month, 1) for month in range(1, 13)]
    rows = _rollup_rows(None if station_ids is None else frozenset(station_ids), PeriodKind.MONTH, starts,
                        "period_start")
    empty = _sum_rows([])
    series = []
    for start in starts:
        row = rows.get(start, empty)
        series.append({
            "month": start.month,
            **{key: row[key] for key in COUNT_KEYS},
            AMOUNT_KEY: f"{Decimal(row[AMOUNT_KEY]).quantize(CENTS)}",
            "visited_clients_by_category": {code: row[f"visited_{code}"] for code in CATEGORY_CODES},
        })
    return series


def scope_station_ids(user, station=None, county=None, city=None):
    """(station_ids, county_ids) for ``compute``: the user's scope, narrowed to ``station`` (a
    Station or an id), to ``county`` (a county Region or id of the scope: its stations, and
    the county-wide figures, exactly what that county's own bureau sees) or to ``city`` (a city
    Region or id above counties of the scope: their stations and county-wide figures, exactly
    what that city's own viewer sees). A station, county or city outside the scope, or
    unknown, raises Http404."""
    scope = scope_for(user)
    if city is not None and county is None and station is None:
        try:
            city_id = int(getattr(city, "pk", city))
        except (TypeError, ValueError):
            raise Http404(_("No such city.")) from None
        counties = Region.objects.filter(parent=city_id, level=RegionLevel.COUNTY).values_list("pk", flat=True)
        if not scope.is_global:
            counties = counties.filter(pk__in=sorted(scope.county_ids or ()))
        county_ids = frozenset(counties)
        if not county_ids:
            raise Http404(_("No such city."))
        ids = Station.objects.filter(county__in=sorted(county_ids)).values_list("pk", flat=True)
        if not scope.is_global:
            ids = ids.filter(pk__in=sorted(scope.station_ids))
        return frozenset(ids), county_ids
    if county is not None and station is None:
        try:
            county_id = int(getattr(county, "pk", county))
        except (TypeError, ValueError):
            raise Http404(_("No such county.")) from None
        if not scope.is_global and county_id not in (scope.county_ids or ()):
            raise Http404(_("No such county."))
        ids = Station.objects.filter(county=county_id).values_list("pk", flat=True)
        if not scope.is_global:
            ids = ids.filter(pk__in=sorted(scope.station_ids))
        return frozenset(ids), frozenset({county_id})
    if station is not None:
        try:
            station_id = int(getattr(station, "pk", station))
        except (TypeError, ValueError):
            raise Http404(_("No such station.")) from None
        if not scope.allows_station(station_id) or not Station.objects.filter(pk=station_id).exists():
            raise Http404(_("No such station."))
        return frozenset({station_id}), None
    if scope.is_global:
        return None, None
    return scope.station_ids, (scope.county_ids or None)


def for_user(user, *, start, end, station=None, county=None, city=None):
    """The SPEC §3 figures of ``user``'s scope (optionally one station, county or city of it) for start..end."""
    station_ids, county_ids = scope_station_ids(user, station, county, city)
    return compute(station_ids=station_ids, start=start, end=end, county_ids=county_ids)
