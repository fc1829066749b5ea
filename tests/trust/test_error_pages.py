"""With DEBUG off, no stack trace ever reaches a user: 400, 403, 404 and 500 answer with the
friendly pages of templates/errors (issue 8 §4)."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret-internal-detail in settings.SECRET_KEY")


def _denied(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("tampered")


urlpatterns = [
    path("boom/", _boom),
    path("denied/", _denied),
    path("suspicious/", _suspicious),
    path("", include("config.urls")),
]
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

TRACE_MARKERS = ["Traceback", "secret-internal-detail", "File &quot;", 'File "', "django/core", "SECRET_KEY", "RuntimeError"]


def _assert_friendly(response, status):
    body = response.content.decode()
    assert response.status_code == status
    assert str(status) in body
    for marker in TRACE_MARKERS:
        assert marker not in body


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


@pytest.mark.urls("tests.trust.test_error_pages")
def test_a_server_error_shows_the_friendly_500_page(production, xiaohe):
    client = Client(raise_request_exception=False)
    client.force_login(xiaohe)
    _assert_friendly(client.get("/boom/"), 500)


@pytest.mark.urls("tests.trust.test_error_pages")
def test_a_server_error_of_an_anonymous_request_is_friendly_too(production):
    _assert_friendly(Client(raise_request_exception=False).get("/boom/"), 500)


@pytest.mark.urls("tests.trust.test_error_pages")
def test_403_404_and_400_are_friendly(production, xiaohe):
    client = Client()
    client.force_login(xiaohe)
    _assert_friendly(client.get("/denied/"), 403)
    _assert_friendly(client.get("/no/such/page/"), 404)
    _assert_friendly(client.get("/suspicious/"), 400)


def test_an_unknown_host_is_a_friendly_400(production):
    _assert_friendly(Client().get("/accounts/login/", HTTP_HOST="evil.example"), 400)


def test_a_record_outside_the_scope_is_a_friendly_404(production, web, xiaohe, station_baisi):
    _assert_friendly(web(xiaohe).get(f"/stations/{station_baisi.pk}/"), 404)


def test_api_errors_are_json_without_trace(production, api, xiaohe, station_baisi):
    response = api(xiaohe).get(f"/api/v1/stations/{station_baisi.pk}/")
    assert response.status_code == 404 and "Traceback" not in response.content.decode()
    bad = api(xiaohe).get("/api/v1/stations/", {"page": "not-a-number"})
    assert bad.status_code == 404 and "Traceback" not in bad.content.decode()
