"""A contract's achievement answers within the reader's scope (issue 21, item 8): a 小河站
worker reading a contract that covers several stations sees 小河's figures, not the others'."""

import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.choices import TargetKind
from services.models import Activity

from .conftest import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_station_contract(county, qicai, station_xiaohe, station_baisi):
    Activity.objects.create(station=station_xiaohe, held_on=datetime.date(2023, 2, 3), title="小河活动",
                            participant_count=40)
    for _ in range(3):
        Activity.objects.create(station=station_baisi, held_on=datetime.date(2023, 5, 5), title="白寺活动",
                                participant_count=99)
    contract = make_contract(county, qicai, "S-1", [station_xiaohe, station_baisi])
    services.contract_target_set(contract=contract, kind=TargetKind.COMMUNITY_ACTIVITIES, value=Decimal("10"))
    return contract


def _achieved(rows):
    return {row["kind"]: Decimal(str(row["achieved"])) for row in rows}


def test_a_station_worker_sees_their_stations_achievement_only(api, web, xiaohe, two_station_contract):
    response = api(xiaohe).get(f"/api/v1/contracts/{two_station_contract.pk}/achievement/")
    assert response.status_code == 200
    assert _achieved(response.json())[TargetKind.COMMUNITY_ACTIVITIES] == 1
    page = web(xiaohe).get(f"/funding/contracts/{two_station_contract.pk}/")
    assert {target.kind: achieved for target, achieved, _p in page.context["achievement"]} == {
        TargetKind.COMMUNITY_ACTIVITIES: 1}


def test_the_bureau_sees_the_whole_contract(api, bureau, two_station_contract):
    response = api(bureau).get(f"/api/v1/contracts/{two_station_contract.pk}/achievement/")
    assert _achieved(response.json())[TargetKind.COMMUNITY_ACTIVITIES] == 4
