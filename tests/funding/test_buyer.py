"""A contract's buyer (购买主体): 民政局 by default, or 文明办, 妇联, 团委, 残联, another department by
name; shown in the form, the list, its filter and the API, and the budget report groups by it."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from funding import services
from funding.models import Contract

from .conftest import make_contract

pytestmark = pytest.mark.django_db


def post(county, qicai, station, **changes):
    data = {"county": county.pk, "year": 2023, "code": "C-9", "name": "关爱项目", "contractor": qicai.pk,
            "stations": [station.pk], "amount": "100000", "start_on": "2023-01-01", "end_on": "2023-12-31",
            "status": "active"}
    data.update(changes)
    return data


def test_the_buyer_is_the_bureau_by_default_and_another_is_named(web, bureau, county, qicai, station_xiaohe):
    assert web(bureau).post("/funding/contracts/add/", post(county, qicai, station_xiaohe)).status_code == 302
    assert Contract.objects.get(code="C-9").buyer == "civil_affairs"
    missing = web(bureau).post("/funding/contracts/add/", post(county, qicai, station_xiaohe, code="C-10",
                                                               buyer="other"))
    assert missing.status_code == 200 and "buyer_name" in missing.context["form"].errors
    assert not Contract.objects.filter(code="C-10").exists()
    named = post(county, qicai, station_xiaohe, code="C-10", buyer="other", buyer_name="县卫健委")
    assert web(bureau).post("/funding/contracts/add/", named).status_code == 302
    assert Contract.objects.get(code="C-10").buyer_display == "县卫健委"


def test_the_api_and_the_list_filter_by_buyer(web, api, bureau, county, qicai, station_xiaohe):
    body = {"county": county.pk, "year": 2023, "code": "FL-1", "name": "巾帼项目", "buyer": "womens_federation",
            "contractor": qicai.pk, "stations": [station_xiaohe.pk], "amount": "100000", "start_on": "2023-01-01",
            "end_on": "2023-12-31"}
    created = api(bureau).post("/api/v1/contracts/", body, format="json")
    assert created.status_code == 201 and created.data["buyer"] == "womens_federation"
    bad = api(bureau).post("/api/v1/contracts/", {**body, "code": "FL-2", "buyer": "other"}, format="json")
    assert bad.status_code == 400 and "buyer_name" in bad.data and not Contract.objects.filter(code="FL-2").exists()
    make_contract(county, qicai, "MZ-1", [station_xiaohe])
    assert [c.code for c in web(bureau).get("/funding/contracts/", {"buyer": "womens_federation"})
            .context["object_list"]] == ["FL-1"]
    assert [c["code"] for c in api(bureau).get("/api/v1/contracts/", {"buyer": "civil_affairs"}).data["results"]] \
        == ["MZ-1"]


def test_the_budget_report_groups_by_buyer(web, bureau, county, qicai, qianshou, station_xiaohe, provincial):
    ours = make_contract(county, qicai, "MZ-1", [station_xiaohe], amount="600000")
    theirs = make_contract(county, qianshou, "FL-1", [station_xiaohe], amount="100000")
    theirs.buyer = "womens_federation"
    services.contract_save(contract=theirs)
    services.contract_allocate(contract=ours, source=provincial, amount=Decimal("600000"))
    page = web(bureau).get("/funding/budget/", {"year": 2023})
    assert [(b.name, b.count, b.amount) for b in page.context["buyers"]] == [
        ("民政局", 1, Decimal("600000.00")), ("妇联", 1, Decimal("100000.00"))]
    workbook = load_workbook(io.BytesIO(web(bureau).get("/funding/budget/", {"year": 2023, "export": "xlsx"}).content))
    rows = list(workbook.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [("民政局", 1, 600000), ("妇联", 1, 100000)]
