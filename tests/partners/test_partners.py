"""五社联动 partners: the ledger's pages and API, scoped to the county (淇县's partner is out of
浚县's reach everywhere), the phone masked for roles that do not keep the ledger, per-partner
totals of the resources linked, bad input, the one lock, and resource links naming a partner."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from partners.models import Partner, PartnerOffering
from services import services as service_writes
from services.models import ResourceLink

from .conftest import make_partner

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 10)


def names(response):
    return [p.name for p in response.context["object_list"]]


def api_names(response):
    assert response.status_code == 200
    return [row["name"] for row in response.data["results"]]


def link(station, partner=None, value="300", day=DAY, kind="cash", **extra):
    return service_writes.resource_link_record(
        station=station, linked_on=day, kind=kind, description="慰问金", value=Decimal(value), partner=partner,
        **extra)


# --- scoping ----------------------------------------------------------------------------------

def test_the_ledger_is_the_countys_own(web, api, bureau, xiaohe, city, charity, qixian_partner):
    assert set(names(web(city).get("/partners/"))) == {"浚县慈善总会", "淇县慈善会"}  # the city: both counties
    for user in (bureau, xiaohe):
        assert names(web(user).get("/partners/")) == ["浚县慈善总会"]
        assert api_names(api(user).get("/api/v1/partners/")) == ["浚县慈善总会"]
        assert web(user).get(f"/partners/{charity.pk}/").status_code == 200
        assert web(user).get(f"/partners/{qixian_partner.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/partners/{qixian_partner.pk}/").status_code == 404
    assert names(web(bureau).get("/partners/", {"q": "淇县"})) == []
    assert api_names(api(bureau).get("/api/v1/partners/", {"q": "淇县"})) == []
    sheet = load_workbook(io.BytesIO(web(bureau).get("/partners/", {"export": "xlsx"}).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["浚县慈善总会"]
    assert api(bureau).get(f"/api/v1/partner-offerings/{qixian_partner.offerings.get().pk}/").status_code == 404


def test_a_partner_of_another_county_cannot_be_written(web, api, bureau, qixian, qixian_partner):
    form = {"county": qixian.pk, "name": "外县组织", "kind": "social_org"}
    assert web(bureau).post("/partners/add/", form).status_code == 200
    assert api(bureau).post("/api/v1/partners/", form, format="json").status_code == 400
    offering = {"partner": qixian_partner.pk, "kind": "goods", "description": "物资"}
    assert api(bureau).post("/api/v1/partner-offerings/", offering, format="json").status_code == 400
    assert web(bureau).post(f"/partners/{qixian_partner.pk}/offerings/add/", offering).status_code == 404
    assert web(bureau).post(f"/partners/{qixian_partner.pk}/deactivate/").status_code == 404
    assert api(bureau).post(f"/api/v1/partners/{qixian_partner.pk}/deactivate/").status_code == 404
    assert not Partner.objects.filter(name="外县组织").exists()
    assert qixian_partner.offerings.count() == 1 and Partner.objects.get(pk=qixian_partner.pk).is_active


def test_stations_read_the_ledger_but_do_not_keep_it(web, api, xiaohe, county, charity):
    assert web(xiaohe).post("/partners/add/", {"county": county.pk, "name": "某", "kind": "other"}).status_code == 403
    assert api(xiaohe).post("/api/v1/partners/", {"county": county.pk, "name": "某", "kind": "other"},
                            format="json").status_code == 403
    assert web(xiaohe).post(f"/partners/{charity.pk}/deactivate/").status_code == 403
    assert api(xiaohe).post(f"/api/v1/partners/{charity.pk}/deactivate/").status_code == 403


def test_the_phone_is_masked_for_those_who_do_not_keep_the_ledger(web, api, bureau, xiaohe, charity):
    assert "13939201234" in web(bureau).get(f"/partners/{charity.pk}/").content.decode()
    assert api(bureau).get(f"/api/v1/partners/{charity.pk}/").data["phone"] == "13939201234"
    page = web(xiaohe).get(f"/partners/{charity.pk}/").content.decode()
    assert "13939201234" not in page and "139****1234" in page
    assert api(xiaohe).get(f"/api/v1/partners/{charity.pk}/").data["phone"] == "139****1234"


# --- totals -----------------------------------------------------------------------------------

def test_totals_per_partner_for_a_year(web, api, bureau, xiaohe, charity, station_xiaohe, station_baisi):
    link(station_xiaohe, charity, "300")
    link(station_baisi, charity, "500")
    link(station_xiaohe, charity, "1000", day=datetime.date(2024, 3, 1))
    row = web(bureau).get("/partners/", {"year": 2025}).context["object_list"][0]
    assert (row.linked_count, row.linked_amount) == (2, Decimal("800.00"))
    detail = web(bureau).get(f"/partners/{charity.pk}/", {"year": 2025})
    assert (detail.context["object"].linked_count, detail.context["object"].linked_amount) == (2, Decimal("800.00"))
    listed = web(bureau).get("/services/resource-links/", {"partner": charity.pk, "since": "2025-01-01",
                                                          "until": "2025-12-31", "exact": 1})
    assert listed.context["paginator"].count == 2  # the list behind the total
    data = api(bureau).get(f"/api/v1/partners/{charity.pk}/", {"year": 2024}).data
    assert (data["linked_count"], data["linked_amount"]) == (1, "1000.00")
    # a worker counts only their own station's links
    data = api(xiaohe).get(f"/api/v1/partners/{charity.pk}/", {"year": 2025}).data
    assert (data["linked_count"], data["linked_amount"]) == (1, "300.00")


# --- query counts -----------------------------------------------------------------------------

def test_list_and_api_query_counts_do_not_grow(web, api, bureau, county, count_queries):
    for i in range(3):
        make_partner(county, f"伙伴{i}")
    client, caller = web(bureau), api(bureau)
    client.get("/partners/")
    caller.get("/api/v1/partners/")
    few = count_queries(lambda: client.get("/partners/"))
    few_api = count_queries(lambda: caller.get("/api/v1/partners/"))
    for i in range(3, 30):
        make_partner(county, f"伙伴{i}")
    assert count_queries(lambda: client.get("/partners/")) == few
    assert count_queries(lambda: caller.get("/api/v1/partners/")) == few_api
    assert len(caller.get("/api/v1/partners/").data["results"]) >= 20


# --- bad input and the lock -------------------------------------------------------------------

def test_bad_input_is_named_and_writes_nothing(web, api, bureau, county, charity, station_xiaohe):
    page = web(bureau).post("/partners/add/", {"county": county.pk, "name": "", "kind": "nonsense"})
    assert page.status_code == 200 and {"name", "kind"} <= set(page.context["form"].errors)
    answer = api(bureau).post("/api/v1/partners/", {"county": county.pk, "name": "某组织", "kind": "x"},
                              format="json")
    assert answer.status_code == 400 and "kind" in answer.data
    other_station = {"county": county.pk, "name": "某组织", "kind": "other", "station": 999999}
    assert api(bureau).post("/api/v1/partners/", other_station, format="json").status_code == 400
    assert not Partner.objects.filter(name="某组织").exists()
    bad = api(bureau).post("/api/v1/partner-offerings/", {"partner": charity.pk, "kind": "goods",
                                                           "description": "物资", "value": "-5"}, format="json")
    assert bad.status_code == 400 and "value" in bad.data
    page = web(bureau).post(f"/partners/{charity.pk}/offerings/add/", {"kind": "goods", "description": "",
                                                                        "value": "-5"})
    assert page.status_code == 200 and {"description", "value"} <= set(page.context["form"].errors)
    assert charity.offerings.count() == 1


def test_a_stale_edit_is_refused_web_and_api(web, api, bureau, center, charity):
    browser = web(bureau)
    stamp = browser.get(f"/partners/{charity.pk}/edit/").context["form"]["loaded_state"].value()
    data = {"county": charity.county_id, "name": charity.name, "kind": charity.kind, "phone": "13900000001",
            "loaded_state": stamp}
    version = api(center).get(f"/api/v1/partners/{charity.pk}/").data["version"]
    assert browser.post(f"/partners/{charity.pk}/edit/", data).status_code == 302
    page = browser.post(f"/partners/{charity.pk}/edit/", {**data, "phone": "13900000002"})
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    stale = api(center).patch(f"/api/v1/partners/{charity.pk}/", {"phone": "13900000003", "version": version},
                              format="json")
    assert stale.status_code == 400 and "version" in stale.data
    assert api(center).patch(f"/api/v1/partners/{charity.pk}/", {"phone": "1"}, format="json").status_code == 400
    assert Partner.objects.get(pk=charity.pk).phone == "13900000001"
    offering = charity.offerings.get()
    version = api(center).get(f"/api/v1/partner-offerings/{offering.pk}/").data["version"]
    assert api(center).patch(f"/api/v1/partner-offerings/{offering.pk}/", {"value": "10", "version": version},
                             format="json").status_code == 200
    stale = api(center).patch(f"/api/v1/partner-offerings/{offering.pk}/", {"value": "20", "version": version},
                              format="json")
    assert stale.status_code == 400 and PartnerOffering.objects.get(pk=offering.pk).value == Decimal("10.00")


def test_deactivate_web_and_api(web, api, bureau, county, charity):
    assert web(bureau).post(f"/partners/{charity.pk}/deactivate/").status_code == 302
    assert not Partner.objects.get(pk=charity.pk).is_active
    again = api(bureau).post(f"/api/v1/partners/{charity.pk}/deactivate/")
    assert again.status_code == 400
    other = make_partner(county, "浚县志愿者协会", kind="volunteer_org")
    done = api(bureau).post(f"/api/v1/partners/{other.pk}/deactivate/")
    assert done.status_code == 200 and done.data["is_active"] is False


# --- resource links name their partner --------------------------------------------------------

def test_a_resource_link_names_its_partner(api, web, xiaohe, charity, qixian_partner, station_xiaohe):
    body = {"station": station_xiaohe.pk, "linked_on": "2025-06-10", "kind": "cash", "description": "临时救助金",
            "value": "800.00", "partner": charity.pk}
    created = api(xiaohe).post("/api/v1/resource-links/", body, format="json")
    assert created.status_code == 201, created.data
    saved = ResourceLink.objects.get(pk=created.data["id"])
    assert (saved.partner, saved.source_name, saved.source_kind) == (charity, "浚县慈善总会", "charity_fund")
    outside = api(xiaohe).post("/api/v1/resource-links/", {**body, "partner": qixian_partner.pk}, format="json")
    assert outside.status_code == 400 and "partner" in outside.data
    nobody = api(xiaohe).post("/api/v1/resource-links/", {k: v for k, v in body.items() if k != "partner"},
                              format="json")
    assert nobody.status_code == 400 and "partner" in nobody.data
    assert ResourceLink.objects.count() == 1
    form = {**body, "linked_on": "2025-06-11"}
    assert web(xiaohe).post("/services/resource-links/add/", form).status_code == 302
    assert ResourceLink.objects.filter(partner=charity).count() == 2
    prefilled = web(xiaohe).get("/services/resource-links/add/", {"partner": charity.pk, "kind": "goods"})
    assert prefilled.context["form"].initial["partner"] == charity.pk


def test_an_inactive_partner_is_not_named_on_a_new_link(api, xiaohe, bureau, charity, station_xiaohe):
    api(bureau).post(f"/api/v1/partners/{charity.pk}/deactivate/")
    body = {"station": station_xiaohe.pk, "linked_on": "2025-06-10", "kind": "cash", "description": "临时救助金",
            "value": "800.00", "partner": charity.pk}
    refused = api(xiaohe).post("/api/v1/resource-links/", body, format="json")
    assert refused.status_code == 400 and "partner" in refused.data
    assert not ResourceLink.objects.exists()


@pytest.mark.parametrize("year", ["0", "-1", "10000", "99999999999", "abc"])
@pytest.mark.parametrize("url", ["/partners/", "/api/v1/partners/", "/funding/venture-calls/", "/api/v1/venture-calls/",
                                 "/funding/venture-projects/", "/api/v1/venture-projects/"])
def test_a_bad_year_is_no_500(web, api, bureau, charity, url, year):
    caller = api(bureau) if url.startswith("/api/") else web(bureau)
    assert caller.get(url, {"year": year}).status_code in (200, 400)


def test_a_bad_partner_on_the_resource_links_filter_is_no_500(web, api, bureau):
    assert web(bureau).get("/services/resource-links/", {"partner": "x"}).status_code in (200, 400)
    assert api(bureau).get("/api/v1/resource-links/", {"partner": "99999999999999"}).status_code in (200, 400)
