"""API tokens and the second factor (SECURITY.md "Accounts and sessions"): an account that
must confirm its logins with TOTP can neither get nor use an API token, which would open the
API on the password alone; tokens remain for accounts without a second factor."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
PASSWORD = "Xunxian@2023"


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def required(settings):
    settings.REQUIRE_ADMIN_2FA = True


def test_an_admin_who_must_use_2fa_cannot_use_a_token(required, bureau_admin):
    response = _token_client(bureau_admin).get("/api/v1/stations/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (401, 403)
    assert "authenticator app" in response.json()["detail"]


def test_the_refusal_is_in_the_users_language(required, bureau_admin):
    response = _token_client(bureau_admin).get("/api/v1/stations/")
    assert response.status_code in (401, 403)
    assert "身份验证器" in response.json()["detail"]


def test_a_superuser_who_must_use_2fa_cannot_use_a_token(required, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    assert _token_client(root).get("/api/v1/stations/").status_code in (401, 403)


def test_nor_get_one_with_the_password(required, bureau_admin):
    bureau_admin.set_password(PASSWORD)
    bureau_admin.save()
    response = APIClient().post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "authenticator app" in response.json()["detail"]
    assert not Token.objects.filter(user=bureau_admin).exists()


def test_a_worker_who_enrolled_an_authenticator_cannot_use_a_token_either(xiaohe):
    TOTPDevice.objects.create(user=xiaohe, name="phone", confirmed=True)
    assert _token_client(xiaohe).get("/api/v1/stations/").status_code in (401, 403)


def test_an_ordinary_worker_uses_a_token(required, xiaohe):
    xiaohe.set_password(PASSWORD)
    xiaohe.save()
    issued = APIClient().post("/api/v1/auth/token/", {"username": "xiaohe", "password": PASSWORD})
    assert issued.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    response = client.get("/api/v1/stations/")
    assert response.status_code == 200
    assert [row["short_name"] for row in response.json()["results"]] == ["小河站"]


def test_without_the_setting_an_admin_uses_a_token(settings, bureau_admin):
    settings.REQUIRE_ADMIN_2FA = False
    assert _token_client(bureau_admin).get("/api/v1/stations/").status_code == 200


def test_a_verified_admin_session_still_reaches_the_api(required, bureau_admin):
    # the second factor is passed on the web; the API then answers that session
    device = TOTPDevice.objects.create(user=bureau_admin, name="phone", confirmed=True)
    client = APIClient()
    client.force_login(bureau_admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get("/api/v1/stations/").status_code == 200


def test_a_disabled_account_cannot_use_its_token(xiaohe):
    client = _token_client(xiaohe)
    xiaohe.is_active = False
    xiaohe.save()
    assert client.get("/api/v1/stations/").status_code in (401, 403)
