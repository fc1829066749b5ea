"""Screening feeds monitoring (issue 16, item 6): a high-risk finding raises the client's risk
level and brings the next visit forward, with the reason in the client's timeline."""

import datetime

import pytest
from django.utils import timezone

from clients import services
from clients.models import Client
from clients.timeline import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(station_xiaohe):
    return services.screening_campaign_create(
        county=station_xiaohe.county, name="防返贫大排查", stations=[station_xiaohe],
        start_on=timezone.localdate() - datetime.timedelta(days=30), end_on=timezone.localdate())


def test_a_high_risk_finding_raises_the_risk_and_brings_the_visit_forward(campaign, xiaohe_client, xiaohe):
    today = timezone.localdate()
    Client.objects.filter(pk=xiaohe_client.pk).update(risk_level="low", last_visit_on=today,
                                                     next_visit_due=today + datetime.timedelta(days=90))
    record = services.screening_record(campaign=campaign, client=xiaohe_client, result="found", risk_level="high",
                                       screened_on=today, living_condition="独居,近期摔倒")
    client = Client.objects.get(pk=xiaohe_client.pk)
    assert client.risk_level == "high"
    assert client.next_visit_due == today + datetime.timedelta(days=7)  # the high-risk interval
    assert (record.raised_risk_from, record.visit_brought_forward_to) == ("low", client.next_visit_due)
    entries = [e for e in timeline_for(client, xiaohe) if e.icon == "exclamation-triangle"]
    assert len(entries) == 1 and client.next_visit_due.isoformat() in entries[0].title
    assert "防返贫大排查" in entries[0].detail


def test_a_lower_finding_changes_nothing(campaign, xiaohe_client):
    today = timezone.localdate()
    due = today + datetime.timedelta(days=90)
    Client.objects.filter(pk=xiaohe_client.pk).update(risk_level="low", next_visit_due=due)
    record = services.screening_record(campaign=campaign, client=xiaohe_client, result="found", risk_level="medium",
                                       screened_on=today)
    client = Client.objects.get(pk=xiaohe_client.pk)
    assert (client.risk_level, client.next_visit_due) == ("low", due)
    assert record.visit_brought_forward_to is None


def test_a_finding_refused_raises_nothing(campaign, xiaohe_client):
    Client.objects.filter(pk=xiaohe_client.pk).update(risk_level="low")
    with pytest.raises(services.ValidationError):
        services.screening_record(campaign=campaign, client=xiaohe_client, result="not_found", risk_level="high")
    assert Client.objects.get(pk=xiaohe_client.pk).risk_level == "low"
