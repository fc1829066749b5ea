"""The figures engine (reports.figures) on small hand-made records: every SPEC §3 key, the
rollup against the raw count, late and edited records, and scoping.

The record builders at the top are imported by the other reports tests."""

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clients import idnumbers
from clients.models import CategoryMembership, Client
from reports import figures
from reports.models import StationPeriodFigures
from services.models import (
    Activity,
    Case,
    CaseNote,
    Group,
    GroupSession,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
)
from stations.models import Organisation, Region, Staff, Station
from training.models import EvaluationScheme, StationEvaluation, Supervision, Training, TrainingAttendance

D = datetime.date
YEAR_2023 = figures.year_period(2023)
_ids = itertools.count(1)
LOW, EXTREME, CHILD, DISABLED, OTHER = ("subsistence_allowance", "extreme_poverty", "children_in_distress",
                                         "disability", "other")


ELDER_BIRTH = D(1958, 3, 2)


def make_client(station, *categories, name="王秀英", born=ELDER_BIRTH):
    """A client of ``station`` holding ``categories``: codes, or (code, start_on, end_on)."""
    rng = random.Random(next(_ids))
    while True:
        number = idnumbers.generate(rng, born=born, male=False)
        if not Client.objects.filter(id_number=number).exists():
            break
    client = Client.objects.create(station=station, name=name, id_number=number, registered_on=D(2022, 1, 1))
    for category in categories:
        code, start, end = (category, D(2022, 1, 1), None) if isinstance(category, str) else category
        CategoryMembership.objects.create(client=client, category=code, start_on=start, end_on=end)
    return client


def worker_of(station):
    return Staff.objects.filter(station=station).order_by("pk").first()


def make_visit(client, day, station=None):
    return Visit.objects.create(station=station or client.station, client=client, visited_on=day)


def make_case(station, intake_on, notes=()):
    case = Case.objects.create(station=station, title="个案", intake_on=intake_on, manager=worker_of(station))
    for day in notes:
        CaseNote.objects.create(case=case, noted_on=day, text="服务记录")
    return case


def make_group(station, *sessions):
    """A group with sessions given as (date, attendance)."""
    group = Group.objects.create(station=station, theme="小组")
    for number, (day, attendance) in enumerate(sessions, start=1):
        GroupSession.objects.create(group=group, number=number, held_on=day, attendance_count=attendance)
    return group


def make_activity(station, day, participants):
    return Activity.objects.create(station=station, held_on=day, title="社区活动", participant_count=participants)


def make_link(station, day, value):
    return ResourceLink.objects.create(station=station, linked_on=day, kind="goods", description="米面油",
                                       value=Decimal(value), source_kind="enterprise", source_name="爱心企业")


def make_training(day, hours, attendees=()):
    county = Region.objects.get(code="410621")
    training = Training.objects.create(county=county, topic="培训", held_on=day, hours=Decimal(hours),
                                       organiser=Organisation.objects.get(short_name="指导中心"))
    for staff in attendees:
        TrainingAttendance.objects.create(training=training, staff=staff)
    return training


def make_supervision(station, day, hours):
    return Supervision.objects.create(station=station, supervised_on=day, hours=Decimal(hours), mode="onsite")


def make_evaluation(station, day):
    scheme, _ = EvaluationScheme.objects.get_or_create(name="五有五化")
    return StationEvaluation.objects.create(station=station, scheme=scheme, evaluated_on=day,
                                            period_start=D(2023, 1, 1), period_end=D(2023, 12, 31))


def make_volunteer_service(volunteer, day, hours, **links):
    """A volunteer's service (志愿服务) at their own station."""
    return VolunteerService.objects.create(volunteer=volunteer, station=volunteer.station, served_on=day,
                                           hours=Decimal(hours), **links)


def make_volunteer(station, name="李思雨"):
    return Volunteer.objects.create(station=station, name=name, organisation="鹤壁职业技术学院", kind="college")


def both_paths(station_ids, period=YEAR_2023, county_ids=None):
    """(rollup, raw) figures of the same scope and period."""
    kwargs = {"station_ids": station_ids, "start": period.start, "end": period.end, "county_ids": county_ids}
    return figures.compute(**kwargs), figures.compute(**kwargs, raw=True)


@pytest.fixture
def xiaohe_station(station_xiaohe):
    return station_xiaohe


@pytest.fixture
def records(station_xiaohe, station_baisi):
    """A small 2023 of two stations (and a few records just outside it)."""
    xh, bs = station_xiaohe, station_baisi
    low_disabled = make_client(xh, LOW, DISABLED)
    extreme = make_client(xh, EXTREME)
    child = make_client(xh, CHILD, born=D(2012, 5, 1))
    ended = make_client(xh, (LOW, D(2020, 1, 1), D(2023, 2, 28)), OTHER)
    later = make_client(bs, (EXTREME, D(2023, 6, 1), None))
    for day in (D(2023, 1, 15), D(2023, 9, 29)):
        make_visit(low_disabled, day)  # two visits, one client: counted once per category
    make_visit(extreme, D(2023, 1, 20))
    make_visit(child, D(2023, 5, 31))
    make_visit(ended, D(2023, 4, 2))  # 低保 ended in February: only 其他 counts
    make_visit(later, D(2023, 3, 1))  # 特困 only from June: no category on the visit date
    make_visit(later, D(2022, 12, 31))  # outside 2023
    make_link(xh, D(2023, 1, 10), "1200.50")
    make_link(bs, D(2023, 12, 31), "799.50")
    make_link(bs, D(2024, 1, 1), "1000.00")
    make_case(xh, D(2023, 3, 5), notes=[D(2023, 3, 6), D(2023, 4, 1), D(2024, 1, 2)])
    make_case(bs, D(2022, 11, 5), notes=[D(2023, 1, 3)])
    make_group(xh, (D(2023, 4, 1), 8), (D(2023, 4, 8), 7))
    make_group(bs, (D(2022, 12, 20), 5), (D(2023, 1, 5), 6))  # first session in 2022: not a 2023 group
    make_activity(xh, D(2023, 9, 28), 60)
    make_activity(bs, D(2023, 2, 4), 40)
    make_training(D(2023, 6, 1), "6.5", attendees=[worker_of(xh)])
    make_training(D(2023, 7, 1), "3.5", attendees=[worker_of(bs)])
    make_training(D(2022, 7, 1), "4")
    make_supervision(xh, D(2023, 5, 5), "2.5")
    make_supervision(bs, D(2023, 5, 6), "1.5")
    make_evaluation(bs, D(2023, 11, 1))
    student, neighbour, helper = make_volunteer(xh), make_volunteer(xh, "王子豪"), make_volunteer(bs, "张梦琪")
    make_volunteer_service(student, D(2023, 9, 28), "2.5")  # twice in 2023: one volunteer, 2.5 + 1.5 hours
    make_volunteer_service(student, D(2023, 10, 3), "1.5")
    make_volunteer_service(neighbour, D(2023, 10, 3), "3")
    make_volunteer_service(helper, D(2023, 2, 4), "2")
    make_volunteer_service(helper, D(2024, 1, 2), "4")  # outside 2023
    return {"low_disabled": low_disabled, "extreme": extreme, "child": child, "ended": ended, "later": later}


def expected_categories(**counts):
    return {code: counts.get(code, 0) for code in figures.CATEGORY_CODES}


def test_periods():
    assert figures.month_period("2023-05") == (D(2023, 5, 1), D(2023, 5, 31))
    assert figures.month_period("2024-02").end == D(2024, 2, 29)
    assert figures.year_period(2023) == (D(2023, 1, 1), D(2023, 12, 31))
    assert figures.year_period("2023").kind == "year"
    assert figures.month_period("2023-12").kind == "month"
    assert figures.Period(D(2023, 1, 1), D(2023, 3, 31)).kind is None
    with translation.override("en"):
        for bad in ["2023-13", "2023-5", "23-05", "", "2023/05", "abcd-ef", "1899-01"]:
            with pytest.raises(ValueError, match="YYYY-MM|year"):
                figures.month_period(bad)
        for bad in ["20x3", "999", "", "3000", 1999]:
            with pytest.raises(ValueError, match="year"):
                figures.year_period(bad)
    with translation.override("zh-hans"), pytest.raises(ValueError, match="例如 2023-05"):
        figures.month_period("2023-13")


def test_every_key_for_the_county(records, bureau):
    station_ids = Station.objects.visible_to(bureau).values_list("pk", flat=True)
    county_ids = {Region.objects.get(code="410621").pk}
    rollup, raw = both_paths(station_ids, county_ids=county_ids)
    assert rollup == raw
    workers = Staff.objects.active(on=D(2023, 12, 31)).workers().count()
    assert rollup == {
        "stations": 11,
        "social_workers": workers,
        "trainings": 2,
        "training_hours": 10,
        "supervisions": 2,
        "supervision_hours": 4,
        "station_evaluations": 1,
        "visits": 6,
        "visited_clients_by_category": expected_categories(
            subsistence_allowance=1, disability=1, extreme_poverty=1, children_in_distress=1, other=1),
        "resources_linked_amount": "2000.00",
        "casework": 1,
        "groupwork": 1,
        "community_activities": 2,
        # 6 visits + 100 participants + 8 + 7 + 6 attendances + 3 case notes in 2023
        "people_served": 6 + 100 + 21 + 3,
        "volunteers": 3,
        "volunteer_hours": 9,  # 2.5 + 1.5 + 3 + 2
    }
    assert list(rollup) == figures.KEYS


def test_month_figures_and_people_served(records, station_xiaohe):
    april = figures.month_period("2023-04")
    rollup, raw = both_paths([station_xiaohe.pk], april)
    assert rollup == raw
    assert rollup["visits"] == 1
    assert rollup["visited_clients_by_category"] == expected_categories(other=1)
    assert rollup["groupwork"] == 1
    assert rollup["people_served"] == 1 + 15 + 1  # visit + two sessions + one case note


def test_a_client_in_two_categories_counts_in_both_and_once_each(station_xiaohe):
    client = make_client(station_xiaohe, LOW, DISABLED)
    make_visit(client, D(2023, 2, 1))
    make_visit(client, D(2023, 8, 1))
    result = figures.compute(station_ids=[station_xiaohe.pk], start=YEAR_2023.start, end=YEAR_2023.end)
    assert result["visits"] == 2
    assert result["visited_clients_by_category"] == expected_categories(subsistence_allowance=1, disability=1)


def test_membership_must_be_held_on_the_visit_date(station_xiaohe):
    ended = make_client(station_xiaohe, (LOW, D(2020, 1, 1), D(2023, 3, 1)))
    started_late = make_client(station_xiaohe, (EXTREME, D(2023, 7, 1), None))
    make_visit(ended, D(2023, 3, 2))
    make_visit(started_late, D(2023, 6, 30))
    rollup, raw = both_paths([station_xiaohe.pk])
    assert rollup == raw
    assert rollup["visits"] == 2
    assert rollup["visited_clients_by_category"] == expected_categories()
    make_visit(ended, D(2023, 3, 1))  # the last day of the membership counts
    make_visit(started_late, D(2023, 7, 1))
    rollup, raw = both_paths([station_xiaohe.pk])
    assert rollup == raw
    assert rollup["visited_clients_by_category"] == expected_categories(subsistence_allowance=1, extreme_poverty=1)


def test_late_entered_edited_and_deleted_visits_move_the_rollup(station_xiaohe, station_baisi):
    client = make_client(station_xiaohe, EXTREME)
    march, may = figures.month_period("2023-03"), figures.month_period("2023-05")
    ids = [station_xiaohe.pk]
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["visits"] == 0
    visit = make_visit(client, D(2023, 3, 9))  # entered late, months after the fact
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["visits"] == 1
    visit.visited_on = D(2023, 5, 2)
    visit.save()
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["visits"] == 0
    may_figures = figures.compute(station_ids=ids, start=may.start, end=may.end)
    assert may_figures["visits"] == 1
    assert may_figures["visited_clients_by_category"][EXTREME] == 1
    visit.visited_on = D(2024, 1, 3)  # moved to another year: both year cells follow
    visit.save()
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)["visits"] == 0
    visit.delete()
    year_2024 = figures.year_period(2024)
    assert figures.compute(station_ids=ids, start=year_2024.start, end=year_2024.end)["visits"] == 0
    assert figures.reconcile() == []


def test_a_visit_moved_to_another_station_leaves_the_first(station_xiaohe, station_baisi):
    visit = make_visit(make_client(station_xiaohe, LOW), D(2023, 6, 1))
    visit.station = station_baisi
    visit.save()
    rollup = figures.by_station(station_ids=[station_xiaohe.pk, station_baisi.pk], start=YEAR_2023.start,
                                end=YEAR_2023.end)
    assert rollup[station_xiaohe.pk]["visits"] == 0
    assert rollup[station_baisi.pk]["visits"] == 1


def test_membership_changes_reach_the_cells_of_visits_already_counted(station_xiaohe):
    client = make_client(station_xiaohe)
    make_visit(client, D(2023, 4, 4))
    ids = [station_xiaohe.pk]
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)[
        "visited_clients_by_category"][CHILD] == 0
    membership = CategoryMembership.objects.create(client=client, category=CHILD, start_on=D(2023, 1, 1))
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)[
        "visited_clients_by_category"][CHILD] == 1
    membership.end_on = D(2023, 4, 3)
    membership.save()
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)[
        "visited_clients_by_category"][CHILD] == 0


def test_groupwork_counts_a_group_in_the_month_of_its_first_session(station_xiaohe):
    group = make_group(station_xiaohe, (D(2023, 3, 3), 5), (D(2023, 3, 10), 6))
    ids = [station_xiaohe.pk]
    march, february = figures.month_period("2023-03"), figures.month_period("2023-02")
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["groupwork"] == 1
    GroupSession.objects.create(group=group, number=3, held_on=D(2023, 2, 20), attendance_count=4)
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["groupwork"] == 0
    assert figures.compute(station_ids=ids, start=february.start, end=february.end)["groupwork"] == 1
    GroupSession.objects.get(group=group, number=3).delete()
    assert figures.compute(station_ids=ids, start=march.start, end=march.end)["groupwork"] == 1
    assert figures.reconcile() == []


def test_case_notes_and_cases_follow_their_case(station_xiaohe, station_baisi):
    case = make_case(station_xiaohe, D(2023, 2, 2), notes=[D(2023, 2, 3), D(2023, 2, 4)])
    ids = [station_xiaohe.pk]
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)["people_served"] == 2
    case.station = station_baisi
    case.save()
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)["people_served"] == 0
    assert figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)["casework"] == 0
    case.delete()
    assert figures.reconcile() == []


def test_any_range_is_counted_raw(records, station_xiaohe):
    quarter = figures.Period(D(2023, 1, 1), D(2023, 3, 31))
    result = figures.compute(station_ids=[station_xiaohe.pk], start=quarter.start, end=quarter.end)
    assert result["visits"] == 2
    assert result["casework"] == 1
    with pytest.raises(ValueError):
        figures.compute(station_ids=[station_xiaohe.pk], start=D(2023, 2, 1), end=D(2023, 1, 1))


def test_raw_and_rollup_agree_for_every_month_and_reconcile_finds_nothing(records, bureau):
    ids = list(Station.objects.values_list("pk", flat=True))
    for month in range(1, 13):
        assert figures.compute(**_month_kwargs(ids, month)) == figures.compute(**_month_kwargs(ids, month), raw=True)
    assert figures.reconcile() == []
    call_command("reconcile_figures")


def _month_kwargs(ids, month):
    period = figures.month_period(f"2023-{month:02d}")
    return {"station_ids": ids, "start": period.start, "end": period.end}


def test_reconcile_reports_a_rollup_that_bypassed_the_signals_and_refresh_repairs_it(records, station_xiaohe):
    figures.compute(station_ids=None, start=YEAR_2023.start, end=YEAR_2023.end)
    StationPeriodFigures.objects.filter(station=station_xiaohe, kind="year").update(visits=999)
    Visit.objects.filter(station=station_xiaohe).update(visited_on=D(2023, 2, 2))  # no signals
    differences = figures.reconcile()
    assert any(d[0] == station_xiaohe.pk and d[3] == "visits" and d[4] == 999 for d in differences)
    with pytest.raises(CommandError, match="differences"):
        call_command("reconcile_figures")
    call_command("refresh_figures")
    assert figures.reconcile() == []


def test_per_station_figures_add_up_to_the_county_where_spec_says(records, bureau):
    ids = list(Station.objects.visible_to(bureau).values_list("pk", flat=True))
    county = figures.for_user(bureau, start=YEAR_2023.start, end=YEAR_2023.end)
    rows = figures.by_station(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end)
    additive = ["stations", "social_workers", "supervisions", "station_evaluations", "visits", "casework",
                "groupwork", "community_activities", "people_served", "volunteers", "volunteer_hours"]
    for key in additive:
        assert sum(row[key] for row in rows.values()) == county[key], key
    assert sum(Decimal(r["resources_linked_amount"]) for r in rows.values()) == Decimal(
        county["resources_linked_amount"])
    assert sum(r["supervision_hours"] for r in rows.values()) == county["supervision_hours"]
    # Distinct visited clients add up across stations (visits are at the client's own station).
    for code in figures.CATEGORY_CODES:
        assert sum(r["visited_clients_by_category"][code] for r in rows.values()) == \
            county["visited_clients_by_category"][code]


@pytest.mark.parametrize("period", [YEAR_2023, figures.month_period(datetime.date(2023, 5, 1)),
                                    figures.Period(datetime.date(2023, 2, 3), datetime.date(2023, 9, 9))])
def test_the_totals_read_with_the_stations_are_computes(records, bureau, period):
    """A dashboard listing its stations reads each figure once (``compute_with_stations``): its
    totals are exactly ``compute``'s, for a month, a year and any range, trainings included."""
    ids, counties = figures.scope_station_ids(bureau)
    totals, rows = figures.compute_with_stations(station_ids=ids, start=period.start, end=period.end,
                                                 county_ids=counties)
    assert totals == figures.compute(station_ids=ids, start=period.start, end=period.end, county_ids=counties)
    # the stations' rows are by_station's but the trainings, which no table by station shows
    full = figures.by_station(station_ids=ids, start=period.start, end=period.end)
    assert rows == {pk: {key: value for key, value in row.items() if key not in ("trainings", "training_hours")}
                    for pk, row in full.items()}
    assert rows == figures.by_station(station_ids=ids, start=period.start, end=period.end, trainings=False)
    alone, _rows = figures.compute_with_stations(station_ids=ids, start=period.start, end=period.end)
    assert alone == figures.compute(station_ids=ids, start=period.start, end=period.end)


def test_trainings_are_the_countys_or_those_the_stations_staff_attended(records, bureau, xiaohe, station_baisi):
    assert figures.for_user(bureau, start=YEAR_2023.start, end=YEAR_2023.end)["trainings"] == 2
    own = figures.for_user(xiaohe, start=YEAR_2023.start, end=YEAR_2023.end)
    assert (own["trainings"], own["training_hours"]) == (1, 6.5)
    narrowed = figures.for_user(bureau, start=YEAR_2023.start, end=YEAR_2023.end, station=station_baisi)
    assert (narrowed["trainings"], narrowed["training_hours"]) == (1, 3.5)


def test_scoping(records, xiaohe, baisi, city, station_xiaohe, station_baisi):
    own = figures.for_user(xiaohe, start=YEAR_2023.start, end=YEAR_2023.end)
    assert own == figures.compute(station_ids=[station_xiaohe.pk], start=YEAR_2023.start, end=YEAR_2023.end)
    assert own["stations"] == 1
    assert own["visits"] == 5
    assert own["resources_linked_amount"] == "1200.50"
    assert figures.for_user(xiaohe, start=YEAR_2023.start, end=YEAR_2023.end, station=station_xiaohe) == own
    with pytest.raises(Http404):
        figures.for_user(xiaohe, start=YEAR_2023.start, end=YEAR_2023.end, station=station_baisi)
    with pytest.raises(Http404):
        figures.for_user(xiaohe, start=YEAR_2023.start, end=YEAR_2023.end, station=987654)
    assert figures.for_user(baisi, start=YEAR_2023.start, end=YEAR_2023.end)["visits"] == 1
    assert figures.for_user(city, start=YEAR_2023.start, end=YEAR_2023.end)["stations"] == 11


def test_stations_and_workers_are_counted_at_the_end_of_the_period(records, bureau):
    station = Station.objects.get(short_name="小河站")
    staff = worker_of(station)
    staff.active_to = D(2023, 6, 30)
    staff.save()
    june = figures.month_period("2023-06")
    july = figures.month_period("2023-07")
    in_june = figures.compute(station_ids=[station.pk], start=june.start, end=june.end)["social_workers"]
    in_july = figures.compute(station_ids=[station.pk], start=july.start, end=july.end)["social_workers"]
    assert in_june == in_july + 1
    station.closed_on = D(2023, 7, 15)
    station.save()
    assert figures.compute(station_ids=[station.pk], start=june.start, end=june.end)["stations"] == 1
    assert figures.compute(station_ids=[station.pk], start=july.start, end=july.end)["stations"] == 0


def test_monthly_series(records, station_xiaohe):
    series = figures.monthly_series(station_ids=[station_xiaohe.pk], year=2023)
    assert [row["month"] for row in series] == list(range(1, 13))
    assert sum(row["visits"] for row in series) == 5
    assert series[0]["visits"] == 2
    assert series[0]["resources_linked_amount"] == "1200.50"


def test_supervisions_evaluations_and_volunteer_service_are_kept_in_the_cells(station_xiaohe, station_baisi):
    """Since the city-scale crawl the rollup keeps them too (a dashboard read one cell range
    instead of three raw aggregates): a write, an edit to another month and a delete move the
    cells, reconcile finds nothing, and a year's figures read no raw supervision."""
    may, june = figures.month_period(datetime.date(2023, 5, 1)), figures.month_period(datetime.date(2023, 6, 1))
    ids = [station_xiaohe.pk, station_baisi.pk]

    def of(period, **kwargs):
        return figures.compute(station_ids=ids, start=period.start, end=period.end, **kwargs)

    supervision = make_supervision(station_xiaohe, D(2023, 5, 5), "2.5")
    make_evaluation(station_baisi, D(2023, 5, 9))
    student = make_volunteer(station_xiaohe)
    make_volunteer_service(student, D(2023, 5, 2), "3")
    make_volunteer_service(student, D(2023, 6, 2), "1.5")
    assert (of(may)["supervisions"], of(may)["supervision_hours"], of(may)["station_evaluations"]) == (1, 2.5, 1)
    assert (of(may)["volunteers"], of(may)["volunteer_hours"]) == (1, 3)
    assert (of(YEAR_2023)["volunteers"], of(YEAR_2023)["volunteer_hours"]) == (1, 4.5)  # distinct in the year
    supervision.supervised_on = D(2023, 6, 30)
    supervision.save()
    assert of(may)["supervisions"] == 0 and of(june)["supervision_hours"] == 2.5
    supervision.delete()
    assert of(june)["supervisions"] == 0
    assert figures.reconcile() == []
    with CaptureQueriesContext(connection) as queries:
        shown = of(YEAR_2023)
    assert not any("training_supervision" in q["sql"] or "services_volunteerservice" in q["sql"]
                   for q in queries.captured_queries)
    assert shown == figures.compute(station_ids=ids, start=YEAR_2023.start, end=YEAR_2023.end, raw=True)
