"""The clients and households API: same validation messages as the forms, masked fields."""

import datetime

import pytest

from accounts.models import AccessLog
from clients.models import Client, Household

from .conftest import new_id_number

pytestmark = pytest.mark.django_db


def test_api_output_is_masked(api, bureau, xiaohe_client):
    row = api(bureau).get("/api/v1/clients/").json()["results"][0]
    assert row["id_number"] == xiaohe_client.id_number[:6] + "*" * 12
    assert row["phone"] == "138****1234"
    assert row["categories"][0]["category"] == "subsistence_allowance"


def test_api_create_gives_the_form_message_and_writes_nothing(api, xiaohe, station_xiaohe):
    before = Client.objects.count()
    response = api(xiaohe).post("/api/v1/clients/", {"station": station_xiaohe.pk, "name": "新人",
                                                     "id_number": "110105194912310021"}, format="json",
                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "校验码" in response.json()["id_number"][0]
    assert Client.objects.count() == before


def test_api_create_refuses_a_person_of_another_station(api, xiaohe, station_xiaohe, baisi_client):
    response = api(xiaohe).post("/api/v1/clients/", {"station": station_xiaohe.pk, "name": "李小梅",
                                                     "id_number": baisi_client.id_number}, format="json")
    assert response.status_code == 400
    assert "白寺" not in response.json()["id_number"][0]


def test_api_create_and_update_with_version(api, xiaohe, station_xiaohe):
    number = new_id_number(datetime.date(2012, 4, 4), male=False)
    client_api = api(xiaohe)
    created = client_api.post("/api/v1/clients/", {
        "station": station_xiaohe.pk, "name": "小红", "id_number": number,
        "new_categories": [{"category": "children_in_distress", "subtype": "unsupported"}]}, format="json")
    assert created.status_code == 201, created.json()
    pk, version = created.json()["id"], created.json()["version"]
    assert client_api.patch(f"/api/v1/clients/{pk}/", {"phone": "13000000000"}, format="json").status_code == 400
    assert client_api.patch(f"/api/v1/clients/{pk}/", {"phone": "13000000000", "version": version},
                            format="json").status_code == 200
    stale = client_api.patch(f"/api/v1/clients/{pk}/", {"address": "x", "version": version}, format="json")
    assert stale.status_code == 400


def test_api_reveal_is_logged(api, xiaohe, bureau, xiaohe_client):
    response = api(xiaohe).post(f"/api/v1/clients/{xiaohe_client.pk}/reveal/")
    assert response.json()["id_number"] == xiaohe_client.id_number
    assert api(bureau).post(f"/api/v1/clients/{xiaohe_client.pk}/reveal/").status_code == 403
    assert list(AccessLog.objects.filter(action="reveal").order_by("at").values_list("username", "result")) == [
        ("xiaohe", "ok"), ("bureau", "denied")]


def test_api_households(api, xiaohe, station_xiaohe, station_baisi):
    client_api = api(xiaohe)
    created = client_api.post("/api/v1/households/", {"station": station_xiaohe.pk, "in_distress": True},
                              format="json")
    assert created.status_code == 201
    refused = client_api.post("/api/v1/households/", {"station": station_baisi.pk}, format="json")
    assert refused.status_code == 400
    assert Household.objects.filter(station=station_baisi).count() == 0


def test_api_filters_are_the_list_filters(api, xiaohe, xiaohe_client, register, station_xiaohe):
    register(station_xiaohe, "小孩", born=datetime.date(2016, 1, 1), categories=["children_in_distress"])
    client_api = api(xiaohe)
    assert client_api.get("/api/v1/clients/", {"age_band": "child"}).json()["count"] == 1
    assert client_api.get("/api/v1/clients/", {"category": "subsistence_allowance"}).json()["count"] == 1
    assert client_api.get("/api/v1/clients/", {"q": "zs"}).json()["count"] == 1
