"""Funding fixtures: a year's sources for 浚县, a contract of 鹤壁七彩 covering 小河站 with its
split, and a small 100-point indicator system."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from funding import services
from funding.choices import ShareRule, SourceType
from funding.models import FundingSource, Indicator, IndicatorCategory, IndicatorSystem
from stations.models import Organisation, Region


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked in English (pages ask for it with Accept-Language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def county(db):
    return Region.objects.get(name="浚县")


@pytest.fixture
def qicai(db):
    return Organisation.objects.get(short_name="鹤壁七彩")


@pytest.fixture
def qianshou(db):
    return Organisation.objects.get(short_name="鹤壁牵手")


@pytest.fixture
def provincial(county):
    """2 % of 48,000,000 = 960,000 yuan for purchased services."""
    return services.funding_source_save(source=FundingSource(
        region=county, year=2023, source_type=SourceType.PROVINCIAL_ASSISTANCE, name="2023年省级困难群众救助补助资金",
        base_amount=Decimal("48000000"), share_rule=ShareRule.PERCENTAGE, share_percent=Decimal("2")))


@pytest.fixture
def minors(county):
    return services.funding_source_save(source=FundingSource(
        region=county, year=2023, source_type=SourceType.MINORS_PROTECTION, name="2023年未成年人保护资金",
        base_amount=Decimal("480000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("240000")))


def make_contract(county, contractor, code, stations, amount="660000", year=2023):
    return services.contract_create(
        county=county, year=year, code=code, name=f"{year}年运营项目 {code}", contractor=contractor,
        amount=Decimal(amount), start_on=datetime.date(year, 1, 1), end_on=datetime.date(year, 12, 31),
        stations=stations)


@pytest.fixture
def contract(county, qicai, station_xiaohe):
    """鹤壁七彩's 2023 contract covering 小河站."""
    return make_contract(county, qicai, "XXGM-2023-01", [station_xiaohe])


@pytest.fixture
def baisi_contract(county, qianshou, station_baisi):
    return make_contract(county, qianshou, "XXGM-2023-02", [station_baisi], amount="540000")


@pytest.fixture
def system(county):
    """Two categories of 60 and 40 points, two indicators each."""
    system = services.indicator_system_save(system=IndicatorSystem(county=county, name="测试指标体系", year=2023))
    for order, (name, weight, indicators) in enumerate(
        [("服务成效", 60, [("探访完成率", 30), ("活动完成情况", 30)]), ("满意度", 40, [("对象满意度", 20), ("镇街满意度", 20)])]
    ):
        category = IndicatorCategory.objects.create(system=system, name=name, weight=Decimal(weight), order=order)
        for position, (indicator, max_score) in enumerate(indicators):
            Indicator.objects.create(category=category, name=indicator, max_score=Decimal(max_score), order=position)
    return system
