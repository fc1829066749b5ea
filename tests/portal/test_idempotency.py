"""Retries are safe (issue 14, item 4): every POST of the API takes an ``Idempotency-Key``; the
same key with the same body answers the first result and writes nothing more, with another body
409; two copies sent at the same moment create once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import IdempotencyKey
from clients.models import Client
from services.models import Activity, Visit

DAY = datetime.date(2024, 3, 4)


@pytest.fixture
def client_xiaohe(station_xiaohe):
    return Client.objects.create(station=station_xiaohe, name="王秀英", id_number="410621196005170016",
                                 registered_on=datetime.date(2022, 1, 1))


def _visit(client, **extra):
    return {"client": client.pk, "visited_on": DAY.isoformat(), "kind": "home_visit", "findings": "探访", **extra}


def _post(api_client, url, body, key):
    return api_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_visit_posted_twice_with_one_key_is_recorded_once(api, xiaohe, client_xiaohe):
    you = api(xiaohe)
    first = _post(you, "/api/v1/visits/", _visit(client_xiaohe), "visit-0001")
    again = _post(you, "/api/v1/visits/", _visit(client_xiaohe), "visit-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Visit.objects.filter(client=client_xiaohe).count() == 1


@pytest.mark.django_db
def test_an_activity_posted_twice_with_one_key_is_recorded_once(api, xiaohe, station_xiaohe):
    body = {"station": station_xiaohe.pk, "title": "重阳节活动", "held_on": DAY.isoformat(), "kind": "festival",
            "participant_count": 30}
    you = api(xiaohe)
    ids = {_post(you, "/api/v1/activities/", body, "act-1").json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert Activity.objects.filter(title="重阳节活动").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_answers_409_and_writes_nothing(api, xiaohe, client_xiaohe):
    you = api(xiaohe)
    assert _post(you, "/api/v1/visits/", _visit(client_xiaohe), "k-2").status_code == 201
    other = _post(you, "/api/v1/visits/", _visit(client_xiaohe, findings="另一次"), "k-2")
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    assert Visit.objects.filter(client=client_xiaohe).count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_creates(api, xiaohe, client_xiaohe):
    you = api(xiaohe)
    you.post("/api/v1/visits/", _visit(client_xiaohe), format="json")
    you.post("/api/v1/visits/", _visit(client_xiaohe), format="json")
    assert Visit.objects.filter(client=client_xiaohe).count() == 2


@pytest.mark.django_db
def test_keys_are_per_caller(api, xiaohe, xiaohe_head, client_xiaohe):
    assert _post(api(xiaohe), "/api/v1/visits/", _visit(client_xiaohe), "shared").status_code == 201
    assert _post(api(xiaohe_head), "/api/v1/visits/", _visit(client_xiaohe), "shared").status_code == 201
    assert Visit.objects.filter(client=client_xiaohe).count() == 2


@pytest.mark.django_db
def test_a_refused_request_keeps_no_key(api, xiaohe, client_xiaohe):
    """Bad input writes nothing, its key neither: the corrected request may use it."""
    you = api(xiaohe)
    bad = _post(you, "/api/v1/visits/", _visit(client_xiaohe, visited_on="2999-01-01"), "k-3")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.filter(key="k-3").exists()
    assert _post(you, "/api/v1/visits/", _visit(client_xiaohe), "k-3").status_code == 201
    assert Visit.objects.filter(client=client_xiaohe).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x" * 201, "键"])
def test_a_malformed_key_answers_400_naming_the_header(api, xiaohe, client_xiaohe, key):
    response = api(xiaohe).post("/api/v1/visits/", _visit(client_xiaohe), format="json",
                                HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_an_action_is_idempotent_too(api, xiaohe, center, station_xiaohe):
    """A POST action (here a dispatch's acceptance) answered once, replayed after."""
    from services import services

    dispatch = services.dispatch_send(user=center, station=station_xiaohe, title="派单",
                                      deadline=DAY + datetime.timedelta(days=5), sent_on=DAY)
    you = api(xiaohe)
    first = _post(you, f"/api/v1/dispatches/{dispatch.pk}/accept/", {}, "accept-1")
    again = _post(you, f"/api/v1/dispatches/{dispatch.pk}/accept/", {}, "accept-1")
    assert first.status_code == 200, first.content[:300]
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_keys_expire_and_are_purged(api, xiaohe, client_xiaohe, settings):
    you = api(xiaohe)
    _post(you, "/api/v1/visits/", _visit(client_xiaohe), "old")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    _post(you, "/api/v1/visits/", _visit(client_xiaohe), "fresh")
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    # an expired key is a new request again
    assert _post(you, "/api/v1/visits/", _visit(client_xiaohe), "old").status_code == 201
    assert Visit.objects.filter(client=client_xiaohe).count() == 3
