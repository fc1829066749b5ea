"""Contracts are seen by the users who see one of their stations; stations read their own
contracts and cannot change them; funding sources are seen by the users of their county.
Checked through the pages, the exports and the API."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from funding import services
from funding.choices import EvaluationStage
from funding.models import Contract
from stations import services as station_services
from stations.choices import OrganisationKind, Role
from stations.models import Organisation, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def qixian_bureau(db):
    """A bureau officer of 淇县, the next county: sees none of 浚县's money."""
    county = Region.objects.get(name="淇县")
    bureau = Organisation.objects.create(name="淇县民政局", kind=OrganisationKind.BUREAU, region=county)
    return station_services.staff_create(username="qixian", name="淇县科员", role=Role.BUREAU_STAFF,
                                         organisation=bureau, password="Qixian@2023x",
                                         active_from=datetime.date(2021, 1, 1)).user


@pytest.fixture
def evaluations(contract, baisi_contract, system):
    scores = {i.pk: i.max_score for c in system.categories.all() for i in c.indicators.all()}
    return [
        services.evaluation_record(contract=c, system=system, stage=EvaluationStage.AFTER,
                                   evaluated_on=datetime.date(2024, 1, 20), evaluator="评估组", scores=scores)
        for c in (contract, baisi_contract)
    ]


def sheet_rows(response):
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(min_row=2, values_only=True))


def test_worker_lists_only_their_stations_contracts(web, xiaohe, contract, baisi_contract):
    page = web(xiaohe).get("/funding/contracts/")
    assert [c.code for c in page.context["object_list"]] == [contract.code]


def test_worker_cannot_open_search_or_export_another_stations_contract(web, xiaohe, contract, baisi_contract):
    client = web(xiaohe)
    assert client.get(f"/funding/contracts/{baisi_contract.pk}/").status_code == 404
    assert list(client.get("/funding/contracts/", {"q": baisi_contract.code}).context["object_list"]) == []
    assert [row[0] for row in sheet_rows(client.get("/funding/contracts/", {"export": "xlsx"}))] == [contract.code]


def test_worker_reads_own_contract_but_cannot_change_it(web, api, xiaohe_head, contract, provincial):
    client = web(xiaohe_head)
    page = client.get(f"/funding/contracts/{contract.pk}/")
    assert page.status_code == 200 and not page.context["can_change"] and not page.context["can_pay"]
    assert client.get(f"/funding/contracts/{contract.pk}/edit/").status_code == 403
    assert client.post(f"/funding/contracts/{contract.pk}/funding/",
                       {"source": provincial.pk, "amount": "1000"}).status_code == 403
    response = api(xiaohe_head).patch(f"/api/v1/contracts/{contract.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    response = api(xiaohe_head).post(f"/api/v1/contracts/{contract.pk}/allocate/",
                                     {"source": provincial.pk, "amount": "1000"}, format="json")
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.name != "x" and not contract.fundings.exists()


def test_worker_api_sees_own_contracts_only(api, xiaohe, contract, baisi_contract):
    client = api(xiaohe)
    listing = client.get("/api/v1/contracts/").json()
    assert listing["count"] == 1 and listing["results"][0]["code"] == contract.code
    assert client.get(f"/api/v1/contracts/{baisi_contract.pk}/").status_code == 404
    assert client.get("/api/v1/contracts/", {"q": baisi_contract.code}).json()["count"] == 0


def test_evaluations_follow_their_contract(web, api, xiaohe, evaluations):
    mine, other = evaluations
    assert [e.pk for e in web(xiaohe).get("/funding/evaluations/").context["object_list"]] == [mine.pk]
    assert web(xiaohe).get(f"/funding/evaluations/{other.pk}/").status_code == 404
    assert api(xiaohe).get("/api/v1/evaluations/").json()["count"] == 1
    assert api(xiaohe).get(f"/api/v1/evaluations/{other.pk}/").status_code == 404
    rows = sheet_rows(web(xiaohe).get("/funding/evaluations/", {"export": "xlsx"}))
    assert [row[0] for row in rows] == [mine.contract.code]


def test_bureau_center_and_city_see_the_county(web, api, bureau, center, city, contract, baisi_contract):
    for user in (bureau, center, city):
        assert web(user).get("/funding/contracts/").context["paginator"].count == 2
        assert api(user).get("/api/v1/contracts/").json()["count"] == 2


def test_sources_are_seen_by_their_county_only(web, api, bureau, city, qixian_bureau, provincial, minors):
    assert web(bureau).get("/funding/sources/").context["paginator"].count == 2
    assert api(city).get("/api/v1/funding-sources/").json()["count"] == 2
    assert web(qixian_bureau).get("/funding/sources/").context["paginator"].count == 0
    assert web(qixian_bureau).get(f"/funding/sources/{provincial.pk}/").status_code == 404
    assert api(qixian_bureau).get("/api/v1/funding-sources/").json()["count"] == 0
    assert sheet_rows(web(qixian_bureau).get("/funding/sources/", {"export": "xlsx"})) == []
    assert web(qixian_bureau).get("/funding/budget/", {"year": 2023}).context["sources"] == []


def test_other_county_sees_no_contracts(web, api, qixian_bureau, contract):
    assert web(qixian_bureau).get("/funding/contracts/").context["paginator"].count == 0
    assert web(qixian_bureau).get(f"/funding/contracts/{contract.pk}/").status_code == 404
    assert api(qixian_bureau).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
    assert sheet_rows(web(qixian_bureau).get("/funding/contracts/", {"export": "xlsx"})) == []


def test_station_workers_do_not_see_funding_sources_or_budget(web, xiaohe):
    assert web(xiaohe).get("/funding/sources/").status_code == 403
    assert web(xiaohe).get("/funding/budget/").status_code == 403


def test_budget_export_is_scoped(web, bureau, qixian_bureau, contract, provincial):
    services.contract_allocate(contract=contract, source=provincial, amount=Decimal("528000"))
    workbook = load_workbook(io.BytesIO(web(bureau).get("/funding/budget/", {"year": 2023, "export": "xlsx"}).content))
    by_source = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert by_source[0][1] == provincial.name and by_source[0][5] == 960000 and by_source[0][6] == 528000
    assert by_source[0][8] == 432000
    workbook = load_workbook(io.BytesIO(web(qixian_bureau).get("/funding/budget/", {"year": 2023,
                                                                                     "export": "xlsx"}).content))
    assert list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True)) == []


def test_center_records_evaluations_but_does_not_manage_money(web, center, contract, system, provincial):
    client = web(center)
    assert client.get(f"/funding/contracts/{contract.pk}/evaluations/add/").status_code == 200
    assert client.get(f"/funding/contracts/{contract.pk}/edit/").status_code == 403
    assert client.post(f"/funding/contracts/{contract.pk}/funding/",
                       {"source": provincial.pk, "amount": "1"}).status_code == 403


def test_contract_without_visible_station_is_hidden_from_station_users(xiaohe, county, qicai, station_baisi):
    from .conftest import make_contract

    make_contract(county, qicai, "X-9", [station_baisi])
    assert not Contract.objects.visible_to(xiaohe).exists()
