"""Accounts: password policy, username lockout, session lifetimes, disabling a user, login log."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import AccessLog
from stations.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese_by_default(client):
    page = client.get("/accounts/login/")
    assert "社工站管理平台" in page.content.decode()


def test_successful_login_is_logged(client):
    response = _login(client, "xiaohe", "Xunxian@2023")
    assert response.status_code == 302
    entry = AccessLog.objects.filter(action=AccessLog.Action.LOGIN).latest("at")
    assert (entry.username, entry.role, entry.ip) == ("xiaohe", "social_worker", "127.0.0.1")


def test_failed_login_is_logged(client):
    _login(client, "xiaohe", "wrong")
    entry = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).latest("at")
    assert (entry.username, entry.result) == ("xiaohe", "failed")


def test_five_failures_lock_the_username_not_the_office(client):
    for _ in range(5):
        _login(client, "xiaohe", "wrong-password")
    locked = _login(client, "xiaohe", "Xunxian@2023")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # a colleague behind the same address can still log in
    assert _login(Client(), "xiaohe_head", "Xunxian@2023").status_code == 302


def test_idle_session_expires_after_30_minutes(web, xiaohe):
    client = web(xiaohe)
    assert client.get("/stations/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/stations/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_ends_12_hours_after_login_even_when_active(web, xiaohe):
    client = web(xiaohe)
    client.get("/stations/")
    session = client.session
    session["login_at"] = int(time.time()) - 12 * 3600 - 5
    session.save()
    assert client.get("/stations/").status_code == 302


def test_disabling_a_user_ends_their_session_and_token(web, api, bureau_admin, xiaohe):
    from rest_framework.authtoken.models import Token

    worker = web(xiaohe)
    token = Token.objects.create(user=xiaohe)
    assert worker.get("/stations/").status_code == 200
    response = web(bureau_admin).post(f"/staff/{xiaohe.staff.pk}/deactivate/")
    assert response.status_code == 302
    assert worker.get("/stations/").status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "Password123", "12345678901"])
def test_password_policy_rejects_weak_passwords(web, bureau_admin, station_xiaohe, password):
    before = Staff.objects.count()
    response = web(bureau_admin).post("/staff/add/", {
        "username": "newworker", "password": password, "name": "新社工", "role": "social_worker",
        "organisation": station_xiaohe.operator_id, "station": station_xiaohe.pk, "active_from": "2024-01-01",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert Staff.objects.count() == before
    assert not get_user_model().objects.filter(username="newworker").exists()


def test_api_token_login(client):
    response = client.post("/api/v1/auth/token/", {"username": "bureau", "password": "Xunxian@2023"})
    token = response.json()["token"]
    listing = Client().get("/api/v1/stations/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.json()["count"] == 11


def test_api_rejects_anonymous(client):
    assert client.get("/api/v1/stations/").status_code in (401, 403)
