"""The judgement calls of issue 21 (item 10, docs/security.md "Issue 21"): throttling of the
token endpoint, lockout by username and address, real images only, no-store on personal data,
capped free text, the API schema behind the login."""

import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from services import services
from services.choices import ActivityKind, VisitKind
from services.models import ActivityPhoto, Visit

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_token_endpoint_is_throttled_per_address():
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    answers = [attacker.post("/api/v1/auth/token/", {"username": f"nobody{i}", "password": "x"}).status_code
               for i in range(12)]
    assert answers[-1] == 429 and 429 not in answers[:10]
    assert Client(REMOTE_ADDR="10.9.9.10").post("/api/v1/auth/token/", {
        "username": "bureau", "password": "Xunxian@2023"}).status_code == 200


def test_five_bad_token_requests_do_not_lock_the_admin_out_everywhere(settings):
    settings.AXES_ENABLED = True
    attacker = Client(REMOTE_ADDR="10.8.8.8")
    for _ in range(5):
        attacker.post("/api/v1/auth/token/", {"username": "admin", "password": "wrong-password"})
    # the administrator, at their own desk, still logs in
    office = Client(REMOTE_ADDR="10.1.1.1")
    assert office.post("/accounts/login/", {"username": "admin", "password": "Xunxian@2023"}).status_code == 302
    # the attacker's address is locked for that username
    assert attacker.post("/accounts/login/", {"username": "admin", "password": "Xunxian@2023"}).status_code == 429


@pytest.fixture
def activity(station_xiaohe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.activity_record(station=station_xiaohe, held_on=datetime.date(2024, 3, 4), title="活动",
                                    kind=ActivityKind.FESTIVAL, participant_count=10)


def _activity_data(activity, photo):
    return {"held_on": "2024-03-04", "title": activity.title, "kind": activity.kind, "participant_count": 10,
            "photo": photo}


@pytest.mark.parametrize("name, content", [
    ("evil.png", b"<html><script>alert(1)</script></html>"),
    ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("empty.jpg", b""),
])
def test_a_photo_must_be_a_real_image(web, xiaohe, activity, name, content):
    page = web(xiaohe).post(f"/services/activities/{activity.pk}/edit/",
                            _activity_data(activity, SimpleUploadedFile(name, content)))
    assert page.status_code == 200 and page.context["form"].errors["photo"]
    assert not ActivityPhoto.objects.filter(activity=activity).exists()


def test_a_real_png_is_accepted_and_a_huge_one_refused(web, xiaohe, activity, settings):
    response = web(xiaohe).post(f"/services/activities/{activity.pk}/edit/",
                                _activity_data(activity, SimpleUploadedFile("ok.png", PNG)))
    assert response.status_code == 302
    assert ActivityPhoto.objects.filter(activity=activity).count() == 1
    settings.MAX_PHOTO_SIZE = 100
    page = web(xiaohe).post(f"/services/activities/{activity.pk}/edit/",
                            _activity_data(activity, SimpleUploadedFile("big.png", PNG + b"\0" * 200)))
    assert page.status_code == 200 and page.context["form"].errors["photo"]


def test_personal_data_is_not_cached(api, web, xiaohe):
    response = api(xiaohe).get("/api/v1/clients/")
    assert "no-store" in response["Cache-Control"]
    export = web(xiaohe).get("/clients/", {"export": "xlsx"})
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(export.content)):
        pass


def test_visit_findings_are_capped(api, web, xiaohe, station_xiaohe):
    import random

    from clients import services as client_services
    from clients.choices import Category
    from clients.idnumbers import generate

    person = client_services.client_register(
        station=station_xiaohe, name="王五", id_number=generate(random.Random(3), born=datetime.date(1950, 1, 1),
                                                               male=True),
        registered_on=datetime.date(2022, 1, 1),
        categories=[{"category": Category.SUBSISTENCE_ALLOWANCE, "start_on": datetime.date(2022, 1, 1)}])
    before = Visit.objects.count()
    response = api(xiaohe).post("/api/v1/visits/", {
        "client": person.pk, "visited_on": "2024-03-04", "kind": VisitKind.HOME_VISIT, "findings": "很" * 5001,
        "workers": [xiaohe.staff.pk]}, format="json")
    assert response.status_code == 400 and "findings" in response.json()
    assert Visit.objects.count() == before


def test_the_api_schema_and_docs_need_a_login(web, bureau):
    assert Client().get("/api/schema/").status_code in (401, 403)
    docs = Client().get("/api/docs/")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    assert web(bureau).get("/api/schema/").status_code == 200
    assert web(bureau).get("/api/docs/").status_code == 200
