"""Writes of the client registry. Every rule about a registered person lives here."""

import datetime

from django.db import transaction

from .choices import Category, RiskLevel
from .models import Client, VisitInterval

# Defaults when a county has not configured its own (SPEC §2, issue "dynamic monitoring").
DEFAULT_INTERVALS = {
    ("", RiskLevel.HIGH): 7,
    (Category.EXTREME_POVERTY, ""): 30,
    (Category.CHILDREN_IN_DISTRESS, ""): 30,
    (Category.SUBSISTENCE_ALLOWANCE, ""): 90,
}
DEFAULT_DAYS = 180


def visit_interval_days(*, client, on=None):
    """The shortest interval among the client's current categories and risk level."""
    on = on or datetime.date.today()
    configured = {
        (row.category, row.risk_level): row.days
        for row in VisitInterval.objects.filter(county_id=client.station.county_id)
    } or DEFAULT_INTERVALS
    candidates = [configured.get(("", client.risk_level))]
    for membership in client.categories.all():
        if membership.is_held_on(on):
            candidates.append(configured.get((membership.category, ""), DEFAULT_DAYS))
    candidates = [days for days in candidates if days]
    return min(candidates) if candidates else DEFAULT_DAYS


@transaction.atomic
def client_monitoring_update(
    *, client: Client, last_contact_on: datetime.date | None, risk_level: str | None = None
) -> Client:
    """Move the monitoring fields (last visit, next visit due, current risk) after a visit
    is saved, edited or moved. The caller (the services app) passes the date of the
    client's latest visit as it now stands, so an edited or late-entered visit is handled
    the same way as a new one. Clients never imports services."""
    client = Client.objects.select_for_update().select_related("station").get(pk=client.pk)
    if risk_level:
        client.risk_level = risk_level
    client.last_visit_on = last_contact_on
    if last_contact_on is None:
        client.next_visit_due = client.registered_on
    else:
        days = visit_interval_days(client=client, on=last_contact_on)
        client.next_visit_due = last_contact_on + datetime.timedelta(days=days)
    client.save(update_fields=["risk_level", "last_visit_on", "next_visit_due", "updated_at"])
    return client
