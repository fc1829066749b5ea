"""Input that answered 500 (issue 21, item 7): each now answers 400 (or is ignored with a
message), and the API answers JSON, never an HTML page."""

import datetime
import io
import json

import pytest
from django.test import Client as WebClient
from openpyxl import load_workbook

from clients.models import Client
from services import services
from services.models import MonthlyReport

pytestmark = pytest.mark.django_db

BAD_YEARS = ["0", "-1", "10000", "99999999999", "abc"]
YEAR_PAGES = ["/training/", "/training/supervisions/", "/training/evaluations/", "/training/competitions/",
              "/training/competitions/entries/", "/services/monthly-reports/", "/funding/sources/",
              "/funding/contracts/", "/funding/budget/", "/reports/journal/"]
YEAR_APIS = ["/api/v1/trainings/", "/api/v1/supervisions/", "/api/v1/station-evaluations/",
             "/api/v1/monthly-reports/", "/api/v1/funding-sources/", "/api/v1/contracts/", "/api/v1/journal-issues/"]


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("url", YEAR_PAGES)
def test_a_bad_year_on_a_page_is_no_500(web, bureau_admin, url, year):
    response = web(bureau_admin).get(url, {"year": year})
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("url", YEAR_APIS)
def test_a_bad_year_in_the_api_answers_400_naming_it(api, bureau_admin, url, year):
    response = api(bureau_admin).get(url, {"year": year})
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert "year" in response.json()


def test_a_bad_year_on_a_list_page_says_so(web, bureau_admin):
    page = web(bureau_admin).get("/training/", {"year": "99999999999"})
    assert page.status_code == 200
    assert "year" in page.context["filterset"].form.errors


def test_a_good_year_still_filters(api, bureau_admin):
    assert api(bureau_admin).get("/api/v1/trainings/", {"year": "2024"}).status_code == 200


@pytest.fixture
def dispatch(center, station_xiaohe):
    return services.dispatch_send(user=center, station=station_xiaohe, title="派单",
                                  deadline=datetime.date(2024, 3, 9), sent_on=datetime.date(2024, 3, 4))


@pytest.mark.parametrize("body", [[1, 2], "text", 5, None])
def test_report_back_with_a_body_that_is_not_an_object_answers_400(api, xiaohe, dispatch, body):
    response = api(xiaohe).post(f"/api/v1/dispatches/{dispatch.pk}/report-back/", json.dumps(body),
                                content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("what", ["review", "reopen"])
@pytest.mark.parametrize("body", [[1, 2], "text"])
def test_monthly_report_actions_with_a_body_that_is_not_an_object_answer_400(api, center, bureau, station_xiaohe,
                                                                           what, body):
    report = MonthlyReport.objects.create(station=station_xiaohe, month=datetime.date(2024, 1, 1))
    user = center if what == "review" else bureau
    response = api(user).post(f"/api/v1/monthly-reports/{report.pk}/{what}/", json.dumps(body),
                              content_type="application/json")
    assert response.status_code == 400


def test_deeply_nested_json_at_the_token_endpoint_answers_400():
    body = "[" * 5000 + "]" * 5000
    response = WebClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = '{"a":' * 1000 + "1" + "}" * 1000
    assert WebClient().post("/api/v1/auth/token/", body, content_type="application/json").status_code == 400


def test_a_control_character_is_refused_by_the_api_naming_the_field(api, xiaohe, station_xiaohe):
    import random

    from clients.idnumbers import generate

    before = Client.objects.count()
    response = api(xiaohe).post("/api/v1/clients/", {
        "station": station_xiaohe.pk, "name": "张\x01三",
        "id_number": generate(random.Random(5), born=datetime.date(1970, 1, 1), male=True)}, format="json")
    assert response.status_code == 400
    assert "name" in response.json() and "控制字符" in response.json()["name"][0]
    assert Client.objects.count() == before


def test_a_control_character_is_refused_by_a_form(web, xiaohe, station_xiaohe):
    page = web(xiaohe).post("/clients/add/", {"station": station_xiaohe.pk, "name": "张\x07三",
                                              "id_number": "110105194912310029"})
    assert page.status_code == 200 and "控制字符" in " ".join(page.context["form"].errors["name"])


def test_tabs_and_new_lines_are_still_text(api, xiaohe, station_xiaohe):
    import random

    from clients.idnumbers import generate

    response = api(xiaohe).post("/api/v1/clients/", {
        "station": station_xiaohe.pk, "name": "张三", "address": "某村\t1号\n东屋",
        "id_number": generate(random.Random(6), born=datetime.date(1971, 1, 1), male=True)}, format="json")
    assert response.status_code == 201, response.json()


def test_exports_keep_working(web, xiaohe):
    response = web(xiaohe).get("/clients/", {"export": "xlsx"})
    assert response.status_code == 200
    load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("headers", [{}, {"HTTP_ACCEPT": "application/json"}])
def test_api_404_is_json(production, headers):
    response = WebClient().get("/api/v1/no-such-thing/", **headers)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_page_404_is_still_html(production):
    response = WebClient().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_api_500_is_json(production):
    from django.test import RequestFactory

    from portal.views import server_error

    response = server_error(RequestFactory().get("/api/v1/clients/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json") and "detail" in json.loads(response.content)
    response = server_error(RequestFactory().get("/clients/", HTTP_ACCEPT="application/json"))
    assert response["Content-Type"].startswith("application/json")
    assert server_error(RequestFactory().get("/clients/"))["Content-Type"].startswith("text/html")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


def test_every_referral_edit_page_opens(web, xiaohe, station_xiaohe, register_person):
    client = register_person(station_xiaohe)
    referral = services.referral_create(station=station_xiaohe, client=client, to_organisation="县残联",
                                        reason="转介", referred_on=datetime.date(2024, 3, 4))
    response = web(xiaohe).get(f"/services/referrals/{referral.pk}/edit/")
    assert response.status_code == 200
    assert client.name in response.content.decode()


@pytest.fixture
def register_person():
    import random

    from clients import services as client_services
    from clients.choices import Category
    from clients.idnumbers import generate

    def make(station):
        return client_services.client_register(
            station=station, name="转介人", id_number=generate(random.Random(9), born=datetime.date(1960, 2, 2),
                                                               male=True),
            registered_on=datetime.date(2022, 1, 1),
            categories=[{"category": Category.SUBSISTENCE_ALLOWANCE, "start_on": datetime.date(2022, 1, 1)}])

    return make


def test_every_text_field_of_every_form_refuses_control_characters():
    """The validator is the default of django.forms.CharField from stations.apps on: a form
    module imported before that (its fields built earlier) would miss it."""
    import importlib
    import inspect

    from django import forms
    from django.urls import get_resolver

    from portal.validators import no_control_characters, text_within_cap

    get_resolver().url_patterns  # noqa: B018 - imports every view and form, as a request does
    missing = []
    for app in ["stations", "clients", "services", "training", "funding"]:
        module = importlib.import_module(f"{app}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                missing += [f"{app}.{name}.{field_name}" for field_name, field in form.base_fields.items()
                            if isinstance(field, forms.CharField)
                            and not (no_control_characters in field.validators and text_within_cap in field.validators)]
    assert missing == []
