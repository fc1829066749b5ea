"""Every list page and API list answers in a constant number of queries: 3 rows and 30 rows
cost the same."""

import datetime
from decimal import Decimal

import pytest

from funding.choices import EvaluationStage, Grade, InstalmentStatus, ShareRule, TargetKind
from funding.models import (
    Contract,
    ContractFunding,
    ContractTarget,
    FundingSource,
    IndicatorScore,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
)
from stations.models import Station

pytestmark = pytest.mark.django_db


def make_rows(n, county, contractor, system, first=0):
    """``n`` sources, ``n`` contracts (2 stations, split, target, 2 instalments, an evaluation
    with scores) and ``n`` indicator systems, written directly (the rules are tested elsewhere)."""
    stations = list(Station.objects.filter(short_name__in=["小河站", "浚州站"]))
    indicators = [i for c in system.categories.all() for i in c.indicators.all()]
    for index in range(first, first + n):
        source = FundingSource.objects.create(
            region=county, year=2023, source_type="fiscal_special", name=f"财政专项{index}",
            base_amount=Decimal("100000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("50000"))
        contract = Contract.objects.create(
            county=county, year=2023, code=f"Q-{index}", name=f"项目{index}", contractor=contractor,
            amount=Decimal("40000"), start_on=datetime.date(2023, 1, 1), end_on=datetime.date(2023, 12, 31))
        contract.stations.set(stations)
        funding = ContractFunding.objects.create(contract=contract, source=source, amount=Decimal("40000"))
        ContractTarget.objects.create(contract=contract, kind=TargetKind.VISITS, value=Decimal("100"))
        PaymentInstalment.objects.create(contract=contract, funding=funding, number=1, amount=Decimal("20000"),
                                         due_on=datetime.date(2023, 3, 1), status=InstalmentStatus.PAID,
                                         paid_on=datetime.date(2023, 3, 1))
        PaymentInstalment.objects.create(contract=contract, funding=funding, number=2, amount=Decimal("20000"),
                                         due_on=datetime.date(2023, 9, 1))
        evaluation = PerformanceEvaluation.objects.create(
            contract=contract, system=system, stage=EvaluationStage.AFTER, evaluated_on=datetime.date(2024, 1, 5),
            evaluator="评估组", total=Decimal("90"), max_total=Decimal("100"), percentage=Decimal("90"),
            grade=Grade.EXCELLENT)
        IndicatorScore.objects.bulk_create([IndicatorScore(evaluation=evaluation, indicator=i, score=1)
                                            for i in indicators])
        IndicatorSystem.objects.create(county=county, name=f"体系{index}", year=2023)


PAGES = [
    "/funding/sources/", "/funding/contracts/", "/funding/evaluations/", "/funding/indicator-systems/",
    "/funding/budget/?year=2023", "/funding/contracts/?export=xlsx", "/funding/sources/?export=xlsx",
    "/funding/evaluations/?export=xlsx", "/funding/budget/?year=2023&export=xlsx",
]
API = ["/api/v1/funding-sources/", "/api/v1/contracts/", "/api/v1/evaluations/"]


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_query_count_is_constant(url, web, bureau, county, qicai, system, count_queries):
    client = web(bureau)
    make_rows(3, county, qicai, system)
    client.get(url)  # warm the session and the caches
    few = count_queries(lambda: client.get(url))
    make_rows(27, county, qicai, system, first=3)
    many = count_queries(lambda: client.get(url))
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 30"
    assert many <= 16


@pytest.mark.parametrize("url", API)
def test_api_lists_query_count_is_constant(url, api, bureau, county, qicai, system, count_queries):
    client = api(bureau)
    make_rows(3, county, qicai, system)
    response = client.get(url)
    assert response.status_code == 200 and response.json()["count"] >= 3
    few = count_queries(lambda: client.get(url))
    make_rows(27, county, qicai, system, first=3)
    many = count_queries(lambda: client.get(url))
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 30"
    assert many <= 10


def test_station_worker_contract_list_query_count(web, xiaohe, county, qicai, system, count_queries):
    client = web(xiaohe)
    make_rows(3, county, qicai, system)
    client.get("/funding/contracts/")
    few = count_queries(lambda: client.get("/funding/contracts/"))
    make_rows(27, county, qicai, system, first=3)
    assert count_queries(lambda: client.get("/funding/contracts/")) == few
