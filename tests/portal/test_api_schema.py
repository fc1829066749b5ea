"""The schema tells the truth (issue 21): what each operation is documented to take and answer
is what it takes and answers. Found by tests/trust/test_api_fuzz_worker.py; one test each."""

import datetime
import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@pytest.fixture(scope="module")
def openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _ok_schema(openapi, path, method="post"):
    responses = openapi["paths"][path][method]["responses"]
    (code,) = [c for c in responses if c.startswith("2")]
    return code, responses[code]["content"]["application/json"]["schema"]


def _enum_values(openapi, property_schema):
    values = set()
    for ref in property_schema.get("oneOf", property_schema.get("allOf", [])):
        values |= set(openapi["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]["enum"])
    return values


def test_open_records_blank_close_reason_is_in_the_enum(openapi):
    """An open client's close reason and an open case's closure reason are "" (read-only fields:
    DRF dropped allow_blank, and the enum omitted it)."""
    components = openapi["components"]["schemas"]
    assert "" in _enum_values(openapi, components["Client"]["properties"]["close_reason"])
    assert "" in _enum_values(openapi, components["Case"]["properties"]["closure_reason"])


def test_every_model_serializer_admits_what_its_columns_hold():
    from django.apps import apps
    from rest_framework import serializers

    from portal.api.serializers import ModelSerializer

    for config in apps.get_app_configs():
        if config.name.split(".")[0] in ("stations", "accounts", "clients", "services", "training", "funding",
                                         "reports"):
            try:
                __import__(f"{config.name}.api.serializers")
            except ModuleNotFoundError:
                pass

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(serializers.ModelSerializer) if not cls.__module__.startswith("rest_framework")]
    assert ours
    assert [cls for cls in ours if not issubclass(cls, ModelSerializer)] == []


def test_actions_document_what_they_answer(openapi):
    components = openapi["components"]["schemas"]
    code, achievement = _ok_schema(openapi, "/api/v1/contracts/{id}/achievement/", "get")
    assert achievement["type"] == "array"
    assert set(components[achievement["items"]["$ref"].rsplit("/", 1)[-1]]["properties"]) == {
        "kind", "target", "achieved", "percent"}
    code, reveal = _ok_schema(openapi, "/api/v1/clients/{id}/reveal/")
    assert set(components[reveal["$ref"].rsplit("/", 1)[-1]]["properties"]) == {"id", "id_number"}
    assert "requestBody" not in openapi["paths"]["/api/v1/clients/{id}/reveal/"]["post"]
    expected = {
        "/api/v1/contracts/{id}/allocate/": ("201", "ContractFunding"),
        "/api/v1/contracts/{id}/targets/": ("201", "ContractTarget"),
        "/api/v1/contracts/{id}/instalments/": ("201", "PaymentInstalment"),
        "/api/v1/contracts/{id}/pay/": ("200", "PaymentInstalment"),
        "/api/v1/cases/{id}/transition/": ("200", "Case"),
        "/api/v1/dispatches/{id}/accept/": ("200", "Dispatch"),
        "/api/v1/monthly-reports/{id}/review/": ("200", "MonthlyReport"),
    }
    for path, (status, component) in expected.items():
        assert _ok_schema(openapi, path) == (status, {"$ref": f"#/components/schemas/{component}"}), path
    body = openapi["paths"]["/api/v1/dispatches/{id}/report-back/"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ReportBackRequest")


def test_refusals_are_documented(openapi):
    detail = openapi["paths"]["/api/v1/clients/{id}/"]
    assert {"403", "404"} <= set(detail["get"]["responses"])
    assert {"400", "403", "404"} <= set(detail["patch"]["responses"])
    assert {"400", "403", "404"} <= set(openapi["paths"]["/api/v1/clients/"]["get"]["responses"])
    token = openapi["paths"]["/api/v1/auth/token/"]["post"]
    assert {} in token["security"] and "429" in token["responses"]


@pytest.mark.django_db
def test_page_size_that_is_not_a_whole_number_is_refused(api, xiaohe):
    for bad in ["0.5", "null", "0", "-3"]:
        response = api(xiaohe).get("/api/v1/clients/", {"page_size": bad})
        assert response.status_code == 400, bad
        assert "page_size" in response.json()
        assert api(xiaohe).get("/api/v1/visits/", {"page_size": bad}).status_code == 400
    assert api(xiaohe).get("/api/v1/clients/", {"page_size": 1000}).status_code == 200  # at most 500 rows


@pytest.mark.django_db
def test_yes_no_filter_refuses_anything_else(api, xiaohe):
    assert api(xiaohe).get("/api/v1/households/", {"in_distress": "maybe"}).json().keys() == {"in_distress"}
    assert api(xiaohe).get("/api/v1/dispatches/", {"overdue": "null"}).status_code == 400
    for fine in ["", "true", "false"]:
        assert api(xiaohe).get("/api/v1/households/", {"in_distress": fine}).status_code == 200
        assert api(xiaohe).get("/api/v1/dispatches/", {"overdue": fine}).status_code == 200


def test_month_pattern_agrees_with_the_figures(openapi):
    from reports import figures

    parameters = openapi["paths"]["/api/v1/reports/monthly/"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "month")["schema"]["pattern"]
    for month in ["1999-12", "2000-01", "2023-05", "2100-12", "2101-01", "2023-13", "2023-00", "23-05"]:
        try:
            figures.month_period(month)
            valid = True
        except ValueError:
            valid = False
        assert bool(re.fullmatch(pattern, month)) == valid, month
    year = next(p for p in openapi["paths"]["/api/v1/reports/annual/"]["get"]["parameters"] if p["name"] == "year")
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (figures.MIN_YEAR, figures.MAX_YEAR)


@pytest.mark.django_db
def test_action_body_of_the_wrong_type_is_refused(api, xiaohe, center, station_xiaohe):
    """report-back's ``report`` is a text, as documented: a list answers 400 naming it (it was
    written as its Python repr) and nothing is written."""
    from services import services
    from services.models import Dispatch

    dispatch = services.dispatch_send(user=center, station=station_xiaohe, title="派单",
                                      deadline=datetime.date(2024, 3, 9), sent_on=datetime.date(2024, 3, 4))
    client = api(xiaohe)
    assert client.post(f"/api/v1/dispatches/{dispatch.pk}/accept/", {}, format="json").status_code == 200
    response = client.post(f"/api/v1/dispatches/{dispatch.pk}/report-back/", {"report": ["已办"]}, format="json")
    assert response.status_code == 400 and "report" in response.json()
    assert Dispatch.objects.get(pk=dispatch.pk).report == ""
    response = client.post(f"/api/v1/dispatches/{dispatch.pk}/report-back/", {"report": "已办结"}, format="json")
    assert response.status_code == 200 and response.json()["report"] == "已办结"
