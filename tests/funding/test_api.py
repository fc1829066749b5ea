"""The API applies the same rules as the pages: scoped, and refusals answer 400 with the
field's message, writing nothing."""

import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.choices import EvaluationStage
from funding.models import Contract, ContractFunding, PaymentInstalment, PerformanceEvaluation

pytestmark = pytest.mark.django_db


def test_bureau_creates_a_contract(api, bureau, county, qicai, station_xiaohe):
    response = api(bureau).post("/api/v1/contracts/", {
        "county": county.pk, "year": 2023, "code": "API-1", "name": "项目", "contractor": qicai.pk,
        "stations": [station_xiaohe.pk], "amount": "660000", "start_on": "2023-01-01", "end_on": "2023-12-31"},
        format="json")
    assert response.status_code == 201, response.json()
    assert Contract.objects.get(code="API-1").stations.get() == station_xiaohe


def test_contract_with_bad_period_is_refused(api, bureau, county, qicai, station_xiaohe):
    response = api(bureau).post("/api/v1/contracts/", {
        "county": county.pk, "year": 2023, "code": "API-1", "name": "项目", "contractor": qicai.pk,
        "stations": [station_xiaohe.pk], "amount": "660000", "start_on": "2023-12-31", "end_on": "2023-01-01"},
        format="json")
    assert response.status_code == 400 and "end_on" in response.json()
    assert not Contract.objects.exists()


def test_over_allocation_is_refused(api, bureau, contract, provincial):
    response = api(bureau).post(f"/api/v1/contracts/{contract.pk}/allocate/",
                                {"source": provincial.pk, "amount": "960000.01"}, format="json",
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "more than" in response.json()["amount"][0]
    assert not ContractFunding.objects.exists()


def test_payment_before_evaluation_is_refused(api, bureau, contract, provincial):
    funding = services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    client = api(bureau)
    response = client.post(f"/api/v1/contracts/{contract.pk}/instalments/", {
        "number": 1, "funding": funding.pk, "amount": "198000", "due_on": "2024-01-31",
        "requires_evaluation": True, "required_stage": "after"}, format="json")
    assert response.status_code == 201, response.json()
    instalment = PaymentInstalment.objects.get()
    response = client.post(f"/api/v1/contracts/{contract.pk}/pay/",
                           {"instalment": instalment.pk, "paid_on": "2024-02-05"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "passing Ex-post evaluation" in response.json()["non_field_errors"][0]
    instalment.refresh_from_db()
    assert instalment.status == "planned"


def test_over_payment_is_refused(api, bureau, contract, provincial):
    funding = services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    response = api(bureau).post(f"/api/v1/contracts/{contract.pk}/instalments/", {
        "number": 1, "funding": funding.pk, "amount": "700000", "due_on": "2023-03-31"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()
    assert not PaymentInstalment.objects.exists()


def test_evaluation_through_the_api(api, center, xiaohe, contract, system):
    indicators = [i for c in system.categories.all() for i in c.indicators.all()]
    payload = {"contract": contract.pk, "system": system.pk, "stage": "after", "evaluated_on": "2024-01-20",
               "evaluator": "指导中心", "score_input": [{"indicator": i.pk, "score": "19"} for i in indicators]}
    payload["score_input"][0]["score"] = "35"
    response = api(center).post("/api/v1/evaluations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "maximum of 30" in response.json()[f"score_{indicators[0].pk}"][0]
    assert not PerformanceEvaluation.objects.exists()
    payload["score_input"][0]["score"] = "28"
    response = api(center).post("/api/v1/evaluations/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total"], body["grade"]) == ("85.00", "good")
    assert len(body["scores"]) == 4
    # the station reads its contract's evaluation but cannot record one
    assert api(xiaohe).get(f"/api/v1/evaluations/{body['id']}/").status_code == 200
    assert api(xiaohe).post("/api/v1/evaluations/", payload, format="json").status_code == 403


def test_contract_achievement_endpoint(api, xiaohe, contract):
    services.contract_target_set(contract=contract, kind="visits", value=Decimal("100"))
    response = api(xiaohe).get(f"/api/v1/contracts/{contract.pk}/achievement/")
    assert response.status_code == 200
    assert response.json()[0]["kind"] == "visits"


def test_evaluation_stage_filter(api, bureau, contract, system):
    scores = {i.pk: i.max_score for c in system.categories.all() for i in c.indicators.all()}
    services.evaluation_record(contract=contract, system=system, stage=EvaluationStage.DURING,
                               evaluated_on=datetime.date(2023, 7, 1), evaluator="x", scores=scores)
    client = api(bureau)
    assert client.get("/api/v1/evaluations/", {"stage": "during"}).json()["count"] == 1
    assert client.get("/api/v1/evaluations/", {"stage": "after"}).json()["count"] == 0
