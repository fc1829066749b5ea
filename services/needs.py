"""Open needs (待对接需求): the kinds of help a visit found needed (``Visit.need_kinds``) that no
resource link of that kind has met for that client since the visit, with the 五社联动
partners of the visit's county who offer that kind. Read by the open-needs page and the API
(``GET /api/v1/visits/open-needs/``); both are scoped by ``visible_to``."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from partners.models import Partner

from .models import ResourceLink, Visit

DEFAULT_DAYS = 365
MAX_ROWS = 300


@dataclass
class OpenNeed:
    visit: Visit
    kinds: list
    suggestions: dict = field(default_factory=dict)  # kind -> [Partner]


def open_needs(user, *, since=None, station=None, limit=MAX_ROWS):
    """[OpenNeed] newest first, of visits dated from ``since`` (a year ago by default). A
    constant number of queries whatever the rows."""
    since = since or timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
    visits = Visit.objects.visible_to(user).filter(visited_on__gte=since).exclude(need_kinds=[]).select_related(
        "client", "station").order_by("-visited_on", "-pk")
    if station is not None:
        visits = visits.filter(station=station)
    visits = list(visits[: limit * 3])
    if not visits:
        return []
    met = defaultdict(list)  # (client, kind) -> dates of links
    links = ResourceLink.objects.visible_to(user).filter(
        client__in={v.client_id for v in visits}, linked_on__gte=min(v.visited_on for v in visits)
    ).values_list("client_id", "kind", "linked_on")
    for client_id, kind, linked_on in links:
        met[(client_id, kind)].append(linked_on)
    rows = []
    for visit in visits:
        kinds = [k for k in visit.need_kinds
                 if not any(day >= visit.visited_on for day in met.get((visit.client_id, k), ()))]
        if kinds:
            rows.append(OpenNeed(visit=visit, kinds=kinds))
    rows = rows[:limit]
    kinds = {k for row in rows for k in row.kinds}
    counties = {row.visit.station.county_id for row in rows}
    offers = defaultdict(list)  # (county, kind) -> partners
    for partner in Partner.objects.visible_to(user).active().filter(
            county__in=counties, offerings__kind__in=kinds).distinct().prefetch_related("offerings").order_by("name"):
        for kind in {o.kind for o in partner.offerings.all()} & kinds:
            offers[(partner.county_id, kind)].append(partner)
    for row in rows:
        station = row.visit.station_id
        # the station's own partners first (爱心小屋), then the county's, then other stations' (a stable sort)
        row.suggestions = {k: sorted(offers.get((row.visit.station.county_id, k), []),
                                     key=lambda p: 0 if p.station_id == station else 1 if p.station_id is None else 2)
                           for k in row.kinds}
    return rows
