"""The funding demo: 2 % of the provincial subsidy plus the minors' money give 1.2 million yuan
in 2023, both contractors' contracts cover the stations they operate, the ex-post
evaluations come out 优秀 and 良好, and a second run writes nothing."""

from decimal import Decimal

import pytest

from funding import demo
from funding.choices import EvaluationStage, Grade, InstalmentStatus
from funding.models import Contract, FundingSource, PaymentInstalment, PerformanceEvaluation
from stations import demo as station_demo

pytestmark = pytest.mark.django_db


def test_demo_2023_and_idempotence():
    context = {}
    station_demo.seed(context)
    demo.seed(context)
    counts = [model.objects.count() for model in (FundingSource, Contract, PaymentInstalment, PerformanceEvaluation)]
    demo.seed(context)
    assert [m.objects.count() for m in (FundingSource, Contract, PaymentInstalment, PerformanceEvaluation)] == counts

    sources = FundingSource.objects.filter(year=2023)
    assert sum(s.available_amount for s in sources) == Decimal("1200000.00")
    assert sources.get(source_type="provincial_assistance").available_amount == Decimal("960000.00")

    contracts = Contract.objects.filter(year=2023).order_by("code")
    assert [c.contractor.short_name for c in contracts] == ["鹤壁七彩", "鹤壁牵手"]
    for contract in contracts:
        assert {s.operator_id for s in contract.stations.all()} == {contract.contractor_id}
        assert sum(f.amount for f in contract.fundings.all()) == contract.amount
        last = contract.instalments.get(number=3)
        assert last.requires_evaluation and last.required_stage == EvaluationStage.AFTER
        assert last.status == InstalmentStatus.PAID
    assert sum(c.stations.count() for c in contracts) == 11
    grades = [c.evaluations.get(stage=EvaluationStage.AFTER).grade for c in contracts]
    assert grades == [Grade.EXCELLENT, Grade.GOOD]
