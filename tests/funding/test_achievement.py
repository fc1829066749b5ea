"""A contract's achieved values are the SPEC §3 figures of its stations over its period,
counted by reports.figures (the one counting engine), and its page shows them."""

import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.choices import TargetKind
from reports import figures
from services.models import Activity, Group, GroupSession

from .conftest import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(station_xiaohe, station_baisi):
    """Activities and a group at 小河站 in and around 2023, and one at 白寺站 (not covered)."""
    for day, count in [(datetime.date(2023, 2, 3), 40), (datetime.date(2023, 9, 9), 25), (datetime.date(2024, 3, 1), 7)]:
        Activity.objects.create(station=station_xiaohe, held_on=day, title="社区活动", participant_count=count)
    Activity.objects.create(station=station_baisi, held_on=datetime.date(2023, 5, 5), title="爱心小屋",
                            participant_count=99)
    group = Group.objects.create(station=station_xiaohe, theme="护童成长小组", created_on=datetime.date(2023, 4, 1))
    for number, day in enumerate([datetime.date(2023, 4, 8), datetime.date(2023, 4, 15)], start=1):
        GroupSession.objects.create(group=group, number=number, held_on=day, attendance_count=12)


KINDS = [TargetKind.VISITS, TargetKind.CASEWORK, TargetKind.GROUPWORK, TargetKind.COMMUNITY_ACTIVITIES,
         TargetKind.PEOPLE_SERVED, TargetKind.TRAININGS, TargetKind.SUPERVISIONS, TargetKind.RESOURCES_LINKED_AMOUNT]


@pytest.mark.parametrize("period", [
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),  # a calendar year: read from the rollup
    (datetime.date(2023, 3, 1), datetime.date(2024, 2, 29)),  # any other period: counted raw
])
def test_achieved_values_equal_the_figures_of_the_covered_stations(records, county, qicai, station_xiaohe, period):
    contract = make_contract(county, qicai, "A-1", [station_xiaohe])
    contract.start_on, contract.end_on = period
    contract.save()
    for kind in KINDS:
        services.contract_target_set(contract=contract, kind=kind, value=Decimal("10"))
    expected = figures.compute(station_ids=[station_xiaohe.pk], start=period[0], end=period[1])
    rows = services.contract_achievement(contract, user=None)
    assert {target.kind: achieved for target, achieved, _percent in rows} == {
        kind: Decimal(str(expected[kind])) for kind in KINDS}


def test_achievement_counts_only_the_period_and_the_covered_stations(records, county, qicai, station_xiaohe):
    contract = make_contract(county, qicai, "A-2", [station_xiaohe])
    services.contract_target_set(contract=contract, kind=TargetKind.COMMUNITY_ACTIVITIES, value=Decimal("4"))
    services.contract_target_set(contract=contract, kind=TargetKind.PEOPLE_SERVED, value=Decimal("100"))
    services.contract_target_set(contract=contract, kind=TargetKind.GROUPWORK, value=Decimal("1"))
    rows = {t.kind: (achieved, percent) for t, achieved, percent in services.contract_achievement(contract, user=None)}
    assert rows[TargetKind.COMMUNITY_ACTIVITIES] == (2, 50)
    assert rows[TargetKind.PEOPLE_SERVED] == (40 + 25 + 12 + 12, 89)
    assert rows[TargetKind.GROUPWORK] == (1, 100)


def test_the_contract_page_shows_targets_against_achieved(web, bureau, records, county, qicai, station_xiaohe):
    contract = make_contract(county, qicai, "A-3", [station_xiaohe])
    services.contract_target_set(contract=contract, kind=TargetKind.COMMUNITY_ACTIVITIES, value=Decimal("4"))
    page = web(bureau).get(f"/funding/contracts/{contract.pk}/")
    assert page.status_code == 200
    [(target, achieved, percent)] = page.context["achievement"]
    assert (target.value, achieved, percent) == (Decimal("4.00"), 2, 50)
    html = page.content.decode()
    assert 'value="50" max="100"' in html
