"""The pages: bad input shows the field's message and writes nothing; the money rules show
on the form; paying from the contract page."""

import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.choices import EvaluationStage, InstalmentStatus
from funding.models import Contract, ContractFunding, FundingSource, PaymentInstalment, PerformanceEvaluation

pytestmark = pytest.mark.django_db


def test_source_form_computes_the_amount_for_services(web, bureau, county):
    response = web(bureau).post("/funding/sources/add/", {
        "region": county.pk, "year": 2023, "source_type": "provincial_assistance", "name": "省级补助",
        "base_amount": "48000000", "share_rule": "percentage", "share_percent": "2"})
    assert response.status_code == 302
    assert FundingSource.objects.get(name="省级补助").available_amount == Decimal("960000.00")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"share_rule": "percentage", "share_percent": ""}, "share_percent", "Enter the percentage"),
    ({"share_rule": "percentage", "share_percent": "120"}, "share_percent", "less than or equal to 100"),
    ({"share_rule": "fixed", "share_fixed_amount": ""}, "share_fixed_amount", "Enter the fixed sum"),
    ({"share_rule": "fixed", "share_fixed_amount": "60000000"}, "share_fixed_amount", "cannot be larger"),
    ({"base_amount": "-1"}, "base_amount", "greater than or equal to 0"),
])
def test_source_form_bad_input(web, bureau, county, data, field, message, settings):
    settings.LANGUAGE_CODE = "en"
    base = {"region": county.pk, "year": 2023, "source_type": "provincial_assistance", "name": "省级补助",
            "base_amount": "48000000", "share_rule": "percentage", "share_percent": "2"}
    response = web(bureau).post("/funding/sources/add/", {**base, **data}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not FundingSource.objects.exists()


def test_allocation_beyond_what_the_source_has_shows_on_the_form(web, bureau, contract, provincial):
    response = web(bureau).post(f"/funding/contracts/{contract.pk}/funding/",
                                {"source": provincial.pk, "amount": "960000.01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "more than" in response.context["form"].errors["amount"][0]
    assert not ContractFunding.objects.exists()
    response = web(bureau).post(f"/funding/contracts/{contract.pk}/funding/",
                                {"source": provincial.pk, "amount": "528000"})
    assert response.status_code == 302 and contract.fundings.get().amount == Decimal("528000.00")


def test_contract_form_bad_input(web, bureau, county, qicai, station_xiaohe):
    response = web(bureau).post("/funding/contracts/add/", {
        "county": county.pk, "year": 2023, "code": "C-1", "name": "项目", "contractor": qicai.pk,
        "stations": [station_xiaohe.pk], "amount": "-5", "start_on": "2023-12-31", "end_on": "2023-01-01",
        "status": "active"}, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["form"].errors
    assert "amount" in errors and "end_on" in errors
    assert not Contract.objects.exists()


def test_contract_form_creates_a_contract(web, bureau, county, qicai, station_xiaohe):
    response = web(bureau).post("/funding/contracts/add/", {
        "county": county.pk, "year": 2023, "code": "C-1", "name": "项目", "contractor": qicai.pk,
        "stations": [station_xiaohe.pk], "amount": "660000", "start_on": "2023-01-01", "end_on": "2023-12-31",
        "status": "active"})
    assert response.status_code == 302
    assert list(Contract.objects.get(code="C-1").stations.all()) == [station_xiaohe]


@pytest.fixture
def funded(contract, provincial):
    return services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))


def test_instalment_form_refuses_more_than_the_contract(web, bureau, contract, funded):
    response = web(bureau).post(f"/funding/contracts/{contract.pk}/instalments/add/", {
        "number": 1, "funding": funded.pk, "amount": "600000", "due_on": "2023-03-31"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "more than its part" in response.context["form"].errors["amount"][0]
    assert not PaymentInstalment.objects.exists()


def test_instalment_requiring_evaluation_needs_a_stage(web, bureau, contract, funded):
    response = web(bureau).post(f"/funding/contracts/{contract.pk}/instalments/add/", {
        "number": 1, "funding": funded.pk, "amount": "100", "due_on": "2023-03-31", "requires_evaluation": "on"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "required_stage" in response.context["form"].errors
    assert not PaymentInstalment.objects.exists()


def test_paying_before_the_evaluation_is_refused_on_the_page(web, bureau, contract, funded):
    instalment = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=funded, number=1, amount=Decimal("100000"), due_on=datetime.date(2024, 1, 31),
        requires_evaluation=True, required_stage=EvaluationStage.AFTER))
    response = web(bureau).post(f"/funding/instalments/{instalment.pk}/pay/", {"paid_on": "2024-02-01"},
                                HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "waits for a passing Ex-post evaluation" in response.content.decode()
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.PLANNED


def test_paying_from_the_contract_page(web, bureau, contract, funded):
    instalment = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=funded, number=1, amount=Decimal("100000"), due_on=datetime.date(2023, 3, 31)))
    response = web(bureau).post(f"/funding/instalments/{instalment.pk}/pay/", {"paid_on": "2023-03-20",
                                                                               "voucher": "PZ-1"})
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert (instalment.status, instalment.paid_on, instalment.voucher) == ("paid", datetime.date(2023, 3, 20), "PZ-1")
    page = web(bureau).get(f"/funding/contracts/{contract.pk}/")
    assert page.context["object"].paid_amount == Decimal("100000.00")


def test_evaluation_form_refuses_a_score_above_the_maximum(web, center, contract, system):
    indicators = [i for c in system.categories.all() for i in c.indicators.all()]
    data = {"system": system.pk, "stage": "after", "evaluated_on": "2024-01-20", "evaluator": "指导中心"}
    data.update({f"score_{i.pk}": "10" for i in indicators})
    data[f"score_{indicators[0].pk}"] = "31"
    response = web(center).post(f"/funding/contracts/{contract.pk}/evaluations/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "maximum of 30" in response.context["form"].errors[f"score_{indicators[0].pk}"][0]
    assert not PerformanceEvaluation.objects.exists()
    data[f"score_{indicators[0].pk}"] = "28"
    response = web(center).post(f"/funding/contracts/{contract.pk}/evaluations/add/", data)
    assert response.status_code == 302
    evaluation = PerformanceEvaluation.objects.get()
    assert (evaluation.total, evaluation.grade) == (Decimal("58.00"), "fail")


def test_pages_render(web, bureau, contract, funded, system):
    client = web(bureau)
    for url in ["/funding/sources/", f"/funding/sources/{funded.source_id}/", "/funding/sources/add/",
                "/funding/contracts/", f"/funding/contracts/{contract.pk}/", "/funding/contracts/add/",
                f"/funding/contracts/{contract.pk}/edit/", f"/funding/contracts/{contract.pk}/targets/",
                f"/funding/contracts/{contract.pk}/instalments/add/", "/funding/budget/", "/funding/evaluations/",
                "/funding/indicator-systems/", f"/funding/indicator-systems/{system.pk}/",
                f"/funding/indicator-systems/{system.pk}/indicators/add/",
                f"/funding/contracts/{contract.pk}/evaluations/add/"]:
        assert client.get(url).status_code == 200, url
