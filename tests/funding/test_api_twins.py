"""The API twins of the funding pages that had none: indicator systems, their categories and
indicators, and editing an unpaid instalment. Same permission, scope, version check and service."""

import datetime
from decimal import Decimal

import pytest

from funding import services
from funding.models import Indicator, IndicatorCategory, IndicatorSystem, PaymentInstalment

pytestmark = pytest.mark.django_db


def test_an_indicator_system_with_categories_and_indicators(api, bureau, xiaohe, county, count_queries):
    assert api(xiaohe).post("/api/v1/indicator-systems/", {"county": county.pk, "name": "体系", "year": 2024},
                            format="json").status_code == 403
    bad = api(bureau).post("/api/v1/indicator-systems/", {"county": county.pk, "name": "体系", "year": 1900},
                           format="json")
    assert bad.status_code == 400 and "year" in bad.data
    created = api(bureau).post("/api/v1/indicator-systems/", {"county": county.pk, "name": "2024年指标体系",
                                                               "year": 2024}, format="json")
    assert created.status_code == 201, created.data
    system = IndicatorSystem.objects.get(pk=created.data["id"])
    category = api(bureau).post("/api/v1/indicator-categories/", {"system": system.pk, "name": "服务成效",
                                                                   "weight": "60"}, format="json")
    assert category.status_code == 201, category.data
    negative = api(bureau).post("/api/v1/indicator-categories/", {"system": system.pk, "name": "负权重",
                                                                   "weight": "-1"}, format="json")
    assert negative.status_code == 400 and "weight" in negative.data
    indicator = api(bureau).post("/api/v1/indicators/", {"category": category.data["id"], "name": "探访完成率",
                                                          "max_score": "30"}, format="json")
    assert indicator.status_code == 201, indicator.data
    stale = api(bureau).patch(f"/api/v1/indicators/{indicator.data['id']}/", {"max_score": "20"}, format="json")
    assert stale.status_code == 400 and "version" in stale.data
    changed = api(bureau).patch(f"/api/v1/indicators/{indicator.data['id']}/",
                                {"max_score": "20", "version": indicator.data["version"]}, format="json")
    assert changed.status_code == 200, changed.data
    assert IndicatorCategory.objects.filter(system=system).count() == 1
    assert Indicator.objects.get(pk=indicator.data["id"]).history.first().history_user == bureau
    client = api(bureau)
    client.get("/api/v1/indicators/")
    few = count_queries(lambda: client.get("/api/v1/indicators/"))
    Indicator.objects.bulk_create([Indicator(category_id=category.data["id"], name=f"指标{i}", max_score=1)
                                   for i in range(30)])
    many = count_queries(lambda: client.get("/api/v1/indicators/"))
    assert few == many


def test_an_unpaid_instalment_is_edited_a_paid_one_is_not(api, bureau, baisi, contract, provincial):
    funding = services.contract_allocate(contract=contract, source=provincial, amount=Decimal("100000"))
    instalment = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, number=1, funding=funding, amount=Decimal("1000"), due_on=datetime.date(2023, 6, 30)))
    url = f"/api/v1/payment-instalments/{instalment.pk}/"
    version = api(bureau).get(url).data["version"]
    assert api(baisi).get(url).status_code in (403, 404)  # another station's contract
    too_much = api(bureau).patch(url, {"amount": "99999999", "version": version}, format="json")
    assert too_much.status_code == 400
    changed = api(bureau).patch(url, {"condition": "中期评估合格后支付", "version": version}, format="json")
    assert changed.status_code == 200, changed.data
    assert PaymentInstalment.objects.get(pk=instalment.pk).condition == "中期评估合格后支付"
    assert api(bureau).post("/api/v1/payment-instalments/", {}, format="json").status_code == 405
    services.instalment_pay(instalment=instalment, paid_on=datetime.date(2023, 7, 1))
    version = api(bureau).get(url).data["version"]
    paid = api(bureau).patch(url, {"condition": "改", "version": version}, format="json")
    assert paid.status_code == 404  # a paid instalment is fixed, as its edit page
