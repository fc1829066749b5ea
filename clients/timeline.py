"""The timeline on a client's page, open to higher layers without importing them.

``clients`` shows what it knows (registration, categories, assessments, screenings,
closing). A higher app adds its records by registering a provider in its ``AppConfig.ready``:

    from clients.timeline import TimelineEntry, register_timeline_provider

    def visits(client, user):
        return [TimelineEntry(v.visited_on, _("Visit"), v.get_kind_display(), v.get_absolute_url(), v.findings)
                for v in Visit.objects.visible_to(user).filter(client=client)[:50]]

    register_timeline_provider(visits)

A provider gets the client and the requesting user (so it can scope what it returns) and
returns an iterable of ``TimelineEntry``; entries are merged newest first.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TimelineEntry:
    on: datetime.date
    kind: str
    title: str
    url: str = ""
    detail: str = ""
    icon: str = "dot"


_providers = []


def register_timeline_provider(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _own_entries(client, user):
    entries = [TimelineEntry(client.registered_on, _("Registration"), str(client.station), icon="person-plus")]
    for membership in client.categories.all():
        entries.append(TimelineEntry(membership.start_on, _("Category"), membership.get_category_display(),
                                     icon="tag"))
        if membership.end_on:
            entries.append(TimelineEntry(membership.end_on, _("Category ended"), membership.get_category_display(),
                                         icon="tag"))
    for assessment in client.assessments.all():
        entries.append(TimelineEntry(assessment.assessed_on, _("Needs assessment"),
                                     assessment.get_risk_level_display(), detail=assessment.needs,
                                     icon="clipboard-check"))
    for record in client.screenings.all():
        entries.append(TimelineEntry(record.screened_on, _("Screening"), f"{record.campaign} · "
                                     f"{record.get_result_display()}", detail=record.living_condition, icon="search"))
        if record.visit_brought_forward_to:
            entries.append(TimelineEntry(
                record.screened_on, _("Risk raised"),
                _("%(before)s → %(after)s; next visit due %(due)s") % {
                    "before": record.get_raised_risk_from_display() or "—", "after": record.get_risk_level_display(),
                    "due": record.visit_brought_forward_to.isoformat()},
                detail=_("High-risk finding in the screening %(campaign)s") % {"campaign": record.campaign},
                icon="exclamation-triangle"))
    if client.closed_on:
        entries.append(TimelineEntry(client.closed_on, _("Record closed"), client.get_close_reason_display(),
                                     icon="archive"))
    return entries


def timeline_for(client, user, limit=100):
    entries = list(_own_entries(client, user))
    for provider in _providers:
        entries.extend(provider(client, user))
    entries.sort(key=lambda entry: entry.on, reverse=True)
    return entries[:limit]
