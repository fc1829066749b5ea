"""Money never goes negative: over-allocation, over-payment and paying before a required
passing evaluation are refused with a clear message and write nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funding import services
from funding.choices import EvaluationStage, Grade, InstalmentStatus
from funding.models import ContractFunding, FundingSource, PaymentInstalment, PerformanceEvaluation, grade_for

from .conftest import make_contract

pytestmark = pytest.mark.django_db


def test_share_rule_gives_the_amount_for_purchased_services(provincial, minors):
    assert provincial.available_amount == Decimal("960000.00")
    assert minors.available_amount == Decimal("240000.00")
    assert provincial.available_amount + minors.available_amount == Decimal("1200000.00")


def test_a_source_cannot_give_more_than_it_has(contract, baisi_contract, provincial):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    before = (ContractFunding.objects.count(), ContractFunding.history.count())
    with pytest.raises(ValidationError) as error:
        services.contract_allocate(contract=baisi_contract, source=provincial, amount=Decimal("432000.01"))
    assert "only 432,000.00 yuan left" in error.value.message_dict["amount"][0]
    assert (ContractFunding.objects.count(), ContractFunding.history.count()) == before
    services.contract_allocate(contract=baisi_contract, source=provincial, amount=Decimal("432000"))


def test_the_split_cannot_exceed_the_contract_amount(contract, provincial, minors):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    with pytest.raises(ValidationError) as error:
        services.contract_allocate(contract=contract, source=minors, amount=Decimal("132000.01"))
    assert "more than the contract amount" in error.value.message_dict["amount"][0]
    assert not ContractFunding.objects.filter(source=minors).exists()


def test_setting_a_source_again_changes_its_part(contract, provincial):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("500000"))
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    assert list(contract.fundings.values_list("amount", flat=True)) == [Decimal("528000.00")]


def test_negative_amounts_are_refused(contract, provincial):
    with pytest.raises(ValidationError):
        services.contract_allocate(contract=contract, source=provincial, amount=Decimal("-1"))
    assert not ContractFunding.objects.exists()


def test_database_refuses_negative_money_too(contract, provincial):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFunding.objects.create(contract=contract, source=provincial, amount=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.filter(pk=provincial.pk).update(base_amount=Decimal("-1"))


def test_source_cannot_shrink_below_what_contracts_take(contract, provincial):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    provincial.share_percent = Decimal("1")  # 480,000 < 528,000
    with pytest.raises(ValidationError) as error:
        services.funding_source_save(source=provincial)
    assert "528,000.00" in error.value.message_dict["base_amount"][0]
    provincial.refresh_from_db()
    assert provincial.available_amount == Decimal("960000.00")


def test_contract_amount_cannot_shrink_below_its_split(contract, provincial):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    contract.amount = Decimal("500000")
    with pytest.raises(ValidationError) as error:
        services.contract_save(contract=contract)
    assert "amount" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.amount == Decimal("660000.00")


def test_a_source_of_another_year_is_refused(county, contract):
    other = services.funding_source_save(source=FundingSource(
        region=county, year=2024, source_type="minors_protection", name="2024年未成年人保护资金",
        base_amount=Decimal("300000"), share_rule="fixed", share_fixed_amount=Decimal("200000")))
    with pytest.raises(ValidationError) as error:
        services.contract_allocate(contract=contract, source=other, amount=Decimal("1000"))
    assert "source" in error.value.message_dict


@pytest.fixture
def funded(contract, provincial, minors):
    part = services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    services.contract_allocate(contract=contract, source=minors, amount=Decimal("132000"))
    return part


def plan(contract, funding, number, amount, **extra):
    return services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=funding, number=number, amount=Decimal(amount),
        due_on=datetime.date(2023, 3 * number, 28), **extra))


def test_instalments_cannot_be_planned_beyond_the_contract(contract, funded):
    plan(contract, funded, 1, "400000")
    with pytest.raises(ValidationError) as error:
        plan(contract, funded, 2, "128000.01")  # more than the provincial part of 528,000
    assert "more than its part" in error.value.message_dict["amount"][0]
    assert contract.instalments.count() == 1


def test_over_payment_is_refused_and_nothing_is_written(contract, funded):
    first = plan(contract, funded, 1, "400000")
    services.instalment_pay(instalment=first, paid_on=datetime.date(2023, 3, 20))
    # An instalment slipped in past the schedule check (e.g. by an old import) still cannot be paid.
    extra = PaymentInstalment.objects.create(contract=contract, funding=funded, number=2, amount=Decimal("200000"),
                                             due_on=datetime.date(2023, 6, 1))
    beyond = PaymentInstalment.objects.create(contract=contract, funding=funded, number=3, amount=Decimal("300000"),
                                              due_on=datetime.date(2023, 9, 1))
    history = PaymentInstalment.history.count()
    with pytest.raises(ValidationError) as error:
        services.instalment_pay(instalment=extra, paid_on=datetime.date(2023, 6, 2))
    assert "past its part of 528,000.00 yuan" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.instalment_pay(instalment=beyond, paid_on=datetime.date(2023, 9, 2))
    assert "past the contract amount of 660,000.00 yuan" in error.value.messages[0]
    for instalment in (extra, beyond):
        instalment.refresh_from_db()
        assert instalment.status == InstalmentStatus.PLANNED and instalment.paid_on is None
    assert PaymentInstalment.history.count() == history


def test_an_instalment_is_paid_once(contract, funded):
    first = plan(contract, funded, 1, "100000")
    services.instalment_pay(instalment=first, paid_on=datetime.date(2023, 3, 20))
    with pytest.raises(ValidationError) as error:
        services.instalment_pay(instalment=first, paid_on=datetime.date(2023, 3, 21))
    assert "already paid" in error.value.messages[0]


def evaluate(contract, system, stage, day, share):
    scores = {i.pk: (i.max_score * Decimal(share)).quantize(Decimal("0.01"))
              for c in system.categories.all() for i in c.indicators.all()}
    return services.evaluation_record(contract=contract, system=system, stage=stage, evaluated_on=day,
                                      evaluator="指导中心", scores=scores)


def test_payment_waits_for_a_passing_evaluation(contract, funded, system):
    last = plan(contract, funded, 3, "198000", requires_evaluation=True, required_stage=EvaluationStage.AFTER)
    with pytest.raises(ValidationError) as error:
        services.instalment_pay(instalment=last, paid_on=datetime.date(2024, 2, 5))
    assert "passing Ex-post evaluation" in error.value.messages[0]
    last.refresh_from_db()
    assert last.status == InstalmentStatus.PLANNED

    failed = evaluate(contract, system, EvaluationStage.AFTER, datetime.date(2024, 1, 20), "0.5")
    assert failed.grade == Grade.FAIL
    with pytest.raises(ValidationError):
        services.instalment_pay(instalment=last, paid_on=datetime.date(2024, 2, 5))

    passed = evaluate(contract, system, EvaluationStage.AFTER, datetime.date(2024, 3, 1), "0.7")
    assert passed.grade == Grade.PASS
    with pytest.raises(ValidationError):  # the passing evaluation came after the payment date
        services.instalment_pay(instalment=last, paid_on=datetime.date(2024, 2, 5))
    services.instalment_pay(instalment=last, paid_on=datetime.date(2024, 3, 2))
    last.refresh_from_db()
    assert last.status == InstalmentStatus.PAID


def test_a_paid_instalment_is_not_changed(contract, funded):
    first = plan(contract, funded, 1, "100000")
    services.instalment_pay(instalment=first, paid_on=datetime.date(2023, 3, 20))
    first.amount = Decimal("1")
    with pytest.raises(ValidationError):
        services.instalment_save(instalment=first)


@pytest.mark.parametrize(("percentage", "grade"), [
    (100, Grade.EXCELLENT), (90, Grade.EXCELLENT), (89.99, Grade.GOOD), (80, Grade.GOOD), (79.5, Grade.PASS),
    (60, Grade.PASS), (59.99, Grade.FAIL), (0, Grade.FAIL),
])
def test_grades(percentage, grade):
    assert grade_for(Decimal(str(percentage))) == grade


def test_evaluation_total_and_grade(contract, system):
    evaluation = evaluate(contract, system, EvaluationStage.AFTER, datetime.date(2024, 1, 20), "0.92")
    assert evaluation.total == Decimal("92.00") and evaluation.max_total == Decimal("100.00")
    assert evaluation.grade == Grade.EXCELLENT
    assert evaluation.scores.count() == 4


def test_grade_on_the_percentage_when_the_maximum_is_not_100(contract, county):
    from funding.models import Indicator, IndicatorCategory, IndicatorSystem

    system = IndicatorSystem.objects.create(county=county, name="50分制", year=2023)
    category = IndicatorCategory.objects.create(system=system, name="服务成效", weight=Decimal("50"))
    a = Indicator.objects.create(category=category, name="A", max_score=Decimal("30"))
    b = Indicator.objects.create(category=category, name="B", max_score=Decimal("20"))
    evaluation = services.evaluation_record(contract=contract, system=system, stage=EvaluationStage.AFTER,
                                            evaluated_on=datetime.date(2024, 1, 20), evaluator="x",
                                            scores={a.pk: Decimal("27"), b.pk: Decimal("16")})
    assert evaluation.total == Decimal("43.00") and evaluation.max_total == Decimal("50.00")
    assert evaluation.percentage == Decimal("86.00") and evaluation.grade == Grade.GOOD


def test_a_score_above_the_maximum_is_refused(contract, system):
    indicators = [i for c in system.categories.all() for i in c.indicators.all()]
    scores = {i.pk: Decimal("10") for i in indicators}
    scores[indicators[0].pk] = Decimal("30.5")
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(contract=contract, system=system, stage=EvaluationStage.AFTER,
                                   evaluated_on=datetime.date(2024, 1, 20), evaluator="x", scores=scores)
    assert "cannot be higher than its maximum of 30" in error.value.message_dict[f"score_{indicators[0].pk}"][0]
    assert not PerformanceEvaluation.objects.exists()


def test_every_indicator_needs_a_score(contract, system):
    first = system.categories.first().indicators.first()
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(contract=contract, system=system, stage=EvaluationStage.AFTER,
                                   evaluated_on=datetime.date(2024, 1, 20), evaluator="x", scores={first.pk: 1})
    assert len(error.value.message_dict) == 3
    assert not PerformanceEvaluation.objects.exists()


def test_stations_must_be_in_the_purchasing_county(county, qicai, station_xiaohe):
    from stations.models import Region, Station

    other_county = Region.objects.get(name="淇县")
    town = Region.objects.create(code="410622100", name="北阳镇", level="town", parent=other_county)
    foreign = Station.objects.create(name="北阳镇社会工作服务站", short_name="北阳站", town=town,
                                     opened_on=datetime.date(2022, 1, 1))
    with pytest.raises(ValidationError) as error:
        make_contract(county, qicai, "X-1", [station_xiaohe, foreign])
    assert "北阳镇社会工作服务站" in error.value.message_dict["stations"][0]
