"""The optional TOTP second factor (issue 8 §5): anyone may enrol an authenticator app; once
enrolled, the password alone opens nothing; REQUIRE_ADMIN_2FA makes it compulsory for bureau
administrators and superusers."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessLog

pytestmark = pytest.mark.django_db
PASSWORD = "Xunxian@2023"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # django-otp delays the next try after a wrong code; these tests type the right one at once
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def _enrolled(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_without_an_authenticator_the_password_is_enough(client, xiaohe):
    _login(client, "xiaohe")
    assert client.get("/stations/").status_code == 200


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_with_a_code(client, xiaohe):
    _login(client, "xiaohe")
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    assert page.context["qr_data_uri"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=xiaohe, confirmed=False)
    assert page.context["secret"]

    wrong = client.post("/accounts/2fa/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["token"]
    assert AccessLog.objects.filter(username="xiaohe", action="login_failed", result="failed").exists()

    assert client.post("/accounts/2fa/setup/", {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_once_enrolled_the_password_alone_opens_nothing(client, xiaohe):
    device = _enrolled(xiaohe)
    _login(client, "xiaohe")
    page = client.get("/stations/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/?next=")
    assert client.get("/api/v1/stations/").status_code == 403
    assert client.get("/accounts/2fa/setup/")["Location"].startswith("/accounts/2fa/")  # cannot swap the device

    verified = client.post("/accounts/2fa/", {"token": _code(device), "next": "/stations/"})
    assert verified.status_code == 302 and verified["Location"] == "/stations/"
    assert client.get("/stations/").status_code == 200
    assert client.get("/api/v1/stations/").status_code == 200


def test_a_wrong_code_is_refused_and_logged(client, xiaohe):
    device = _enrolled(xiaohe)
    _login(client, "xiaohe")
    bad = "123456" if _code(device) != "123456" else "654321"
    response = client.post("/accounts/2fa/", {"token": bad})
    assert response.status_code == 200 and response.context["form"].errors["token"]
    assert client.get("/stations/").status_code == 302
    assert AccessLog.objects.filter(username="xiaohe", action="login_failed", object_repr__icontains="factor").exists()


def test_malformed_codes_get_a_clear_message(client, xiaohe):
    _enrolled(xiaohe)
    _login(client, "xiaohe")
    for token in ["", "12345", "abcdef", "1234567"]:
        response = client.post("/accounts/2fa/", {"token": token})
        assert response.status_code == 200 and response.context["form"].errors["token"]


def test_an_outside_next_url_is_not_followed(client, xiaohe):
    device = _enrolled(xiaohe)
    _login(client, "xiaohe")
    response = client.post("/accounts/2fa/", {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/services/start/"  # the landing (my day or dashboard)


def test_required_for_bureau_admins_when_turned_on(client, settings, bureau_admin):
    settings.REQUIRE_ADMIN_2FA = True
    _login(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=bureau_admin)
    client.post("/accounts/2fa/setup/", {"token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_required_for_superusers_when_turned_on(client, settings, django_user_model):
    settings.REQUIRE_ADMIN_2FA = True
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    _login(client, "root")
    assert client.get("/stations/")["Location"].startswith("/accounts/2fa/setup/")


def test_not_required_for_other_roles_when_turned_on(client, settings, xiaohe):
    settings.REQUIRE_ADMIN_2FA = True
    _login(client, "xiaohe")
    assert client.get("/stations/").status_code == 200


def test_not_required_for_admins_when_turned_off(client, settings, bureau_admin):
    settings.REQUIRE_ADMIN_2FA = False
    _login(client, "admin")
    assert client.get("/admin/").status_code == 200


def test_a_used_code_cannot_be_replayed(client, xiaohe):
    device = _enrolled(xiaohe)
    _login(client, "xiaohe")
    code = _code(device)
    client.post("/accounts/2fa/", {"token": code})
    other = type(client)()
    _login(other, "xiaohe")
    assert other.post("/accounts/2fa/", {"token": code}).status_code == 200
