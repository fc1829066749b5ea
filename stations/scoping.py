"""Who may see what: the one mechanism that maps a user to the stations in their scope.

A social worker or station head sees their station; a bureau, guidance-center or auditor
user sees every station of their county; a city (or province) viewer sees every station of
the counties under their region. Everybody else sees nothing (deny by default).

Every scoped model's default manager is built on ``ScopedQuerySet`` and declares how it
reaches a station (``scope_field``); pages, API viewsets, exports, figures and form
dropdowns all call ``.visible_to(user)`` and nothing else.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import IntegerField, Value

from .choices import STATION_ROLES, RegionLevel


@dataclass(frozen=True)
class Scope:
    """The stations (and counties) a user may see; ``None`` means every one."""

    station_ids: frozenset | None
    county_ids: frozenset | None

    @property
    def is_global(self):
        return self.station_ids is None

    def allows_station(self, station_id):
        return self.station_ids is None or station_id in self.station_ids


NOTHING = Scope(frozenset(), frozenset())
EVERYTHING = Scope(None, None)


def _compute_scope(user):
    from .models import Region, Station

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    staff = getattr(user, "staff", None)
    if staff is None or not staff.is_active:
        return NOTHING
    if staff.role in STATION_ROLES:
        if staff.station_id is None:
            return NOTHING
        return Scope(frozenset({staff.station_id}), frozenset())
    region = staff.organisation.region if staff.organisation_id else None
    if region is None:
        return NOTHING
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if region.level == RegionLevel.COUNTY:
        counties = counties.filter(pk=region.pk)
    elif region.level == RegionLevel.CITY:
        counties = counties.filter(parent=region)
    elif region.level == RegionLevel.PROVINCE:
        counties = counties.filter(parent__parent=region)
    else:
        return NOTHING
    # The counties and their stations in one query (every request of a county or city user asks).
    county_rows = counties.order_by().annotate(kind=Value(0, output_field=IntegerField())).values_list("kind", "pk")
    station_rows = (Station.objects.filter(county__in=counties.values("pk")).order_by()
                    .annotate(kind=Value(1, output_field=IntegerField())).values_list("kind", "pk"))
    ids = {0: set(), 1: set()}
    for kind, pk in county_rows.union(station_rows, all=True):
        ids[kind].add(pk)
    county_ids, station_ids = frozenset(ids[0]), frozenset(ids[1])
    return Scope(station_ids, county_ids)


def scope_for(user):
    """The user's scope, computed once per user object (i.e. once per request)."""
    scope = getattr(user, "_scope_cache", None)
    if scope is None:
        scope = _compute_scope(user)
        try:
            user._scope_cache = scope
        except AttributeError:  # AnonymousUser is immutable enough
            pass
    return scope


class ScopedQuerySet(models.QuerySet):
    """Querysets of models that belong to a station. The model names its path to the
    station in ``scope_field`` ("station", "client__station", "pk" for Station itself)."""

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        field = self.model.scope_field
        lookup = "pk__in" if field == "pk" else f"{field}__in"
        return self.filter(**{lookup: sorted(scope.station_ids)})
