"""Ending access (issue 21, item 5): an account created today can be disabled today, and its
sessions and token stop at once; API tokens die with a password change and expire."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from stations import services
from stations.choices import Role
from stations.models import Staff

pytestmark = pytest.mark.django_db
PASSWORD = "Qz7#kLmw2Pxv"


@pytest.fixture
def new_worker(station_baisi):
    return services.staff_create(username="newbie", name="新社工", role=Role.SOCIAL_WORKER,
                                 organisation=station_baisi.operator, station=station_baisi, password=PASSWORD)


def _token_client(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_an_account_created_today_is_disabled_today(web, bureau_admin, new_worker):
    assert new_worker.active_from == timezone.localdate()
    worker = Client()
    assert worker.post("/accounts/login/", {"username": "newbie", "password": PASSWORD}).status_code == 302
    assert worker.get("/stations/").status_code == 200
    token = Token.objects.create(user=new_worker.user)
    assert _token_client(token.key).get("/api/v1/stations/").status_code == 200

    response = web(bureau_admin).post(f"/staff/{new_worker.pk}/deactivate/")

    assert response.status_code == 302
    new_worker.refresh_from_db()
    assert not new_worker.is_active and not new_worker.user.is_active
    assert worker.get("/stations/").status_code == 302  # the session ended
    assert _token_client(token.key).get("/api/v1/stations/").status_code in (401, 403)
    assert Client().post("/accounts/login/", {"username": "newbie", "password": PASSWORD}).status_code == 200


def test_an_account_starting_in_the_future_can_be_withdrawn(bureau_admin, station_baisi):
    staff = services.staff_create(username="later", name="未来社工", role=Role.SOCIAL_WORKER,
                                  organisation=station_baisi.operator, station=station_baisi, password=PASSWORD,
                                  active_from=timezone.localdate() + datetime.timedelta(days=10))
    services.staff_deactivate(staff=staff)
    staff.refresh_from_db()
    assert not staff.is_active and not staff.user.is_active


def test_a_password_change_revokes_the_token(new_worker):
    token = Token.objects.create(user=new_worker.user)
    services.staff_set_password(staff=new_worker, password="Another#Pass2024")
    assert not Token.objects.filter(pk=token.pk).exists()
    assert _token_client(token.key).get("/api/v1/stations/").status_code in (401, 403)


def test_changing_ones_own_password_revokes_the_token(new_worker):
    token = Token.objects.create(user=new_worker.user)
    browser = Client()
    browser.force_login(new_worker.user)
    response = browser.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Another#Pass2024",
                                                    "new_password2": "Another#Pass2024"})
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_login_does_not_revoke_the_token(new_worker):
    token = Token.objects.create(user=new_worker.user)
    assert Client().post("/accounts/login/", {"username": "newbie", "password": PASSWORD}).status_code == 302
    assert Token.objects.filter(pk=token.pk).exists()


def test_tokens_expire(settings, new_worker):
    settings.API_TOKEN_TTL_HOURS = 24
    token = Token.objects.create(user=new_worker.user)
    assert _token_client(token.key).get("/api/v1/stations/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(hours=25))
    response = _token_client(token.key).get("/api/v1/stations/")
    assert response.status_code in (401, 403) and "过期" in response.json()["detail"]
    # asking again gives a fresh token
    fresh = Client().post("/api/v1/auth/token/", {"username": "newbie", "password": PASSWORD}).json()["token"]
    assert fresh != token.key
    assert _token_client(fresh).get("/api/v1/stations/").status_code == 200


def test_the_default_token_lifetime_is_thirty_days():
    from django.conf import settings

    assert settings.API_TOKEN_TTL_HOURS == 24 * 30
    assert get_user_model() and Staff
