"""Retries at the same moment (issue 14): two copies of one POST with one Idempotency-Key,
sent at once from two connections, create one record. A transactional test (two real
connections), so it lives with the other integration tests, which run on their own after the
suite: its database flush at the end would otherwise take the demo organisation from the
tests that follow it on the same worker."""

import datetime
import threading

import pytest
from django.db import connection

from clients.models import Client
from services.models import Visit

DAY = datetime.date(2024, 3, 4)


def _visit(client, **extra):
    return {"client": client.pk, "visited_on": DAY.isoformat(), "kind": "home_visit", "findings": "探访", **extra}


def _post(api_client, url, body, key):
    return api_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections writing at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_creates_once():
    """Two copies of one POST sent at once (a double tap, a sync retried while the first is on
    its way): the second waits for the first's key and answers its result."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from rest_framework.test import APIClient

    from stations import demo
    from stations.models import Station

    demo.seed({})
    station = Station.objects.get(short_name="小河站")
    client = Client.objects.create(station=station, name="王秀英", id_number="410621196005170016",
                                   registered_on=datetime.date(2022, 1, 1))
    user = get_user_model().objects.get(username="xiaohe")
    barrier, answers = threading.Barrier(2), []

    def post():
        try:
            api_client = APIClient()
            api_client.force_authenticate(user)
            barrier.wait()
            answers.append(_post(api_client, "/api/v1/visits/", _visit(client), "tap-tap"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Visit.objects.filter(client=client).count() == 1
