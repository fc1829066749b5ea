"""Who may see what: the one mechanism that maps a user to the stations in their scope.

A social worker or station head sees their station; a bureau, guidance-center or auditor
user sees every station of their county; a city (or province) viewer sees every station of
the counties under their region. Everybody else sees nothing (deny by default).

Every scoped model's default manager is built on ``ScopedQuerySet`` and declares how it
reaches a station (``scope_field``); pages, API viewsets, exports, figures and form
dropdowns all call ``.visible_to(user)`` and nothing else.
"""

from dataclasses import dataclass

from django.db import connection, models

from .choices import STATION_ROLES, RegionLevel


@dataclass(frozen=True)
class Scope:
    """The stations (and counties) a user may see; ``None`` means every one."""

    station_ids: frozenset | None
    county_ids: frozenset | None
    # (id, name) of the stations in the order of their towns, when the scope query read them
    # (county and city users): the station dropdowns of list pages need no query of their own.
    station_names: tuple = ()

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
    # The counties under the region and their stations, in one plain SQL query: every request
    # of a county or city user asks, and the ORM's union took longer to build than to run.
    depth = {RegionLevel.COUNTY: "r.id = %s", RegionLevel.CITY: "r.parent_id = %s",
             RegionLevel.PROVINCE: "r.parent_id IN (SELECT p.id FROM {region} p WHERE p.parent_id = %s)"}
    if region.level not in depth:
        return NOTHING
    counties = (f"SELECT r.id FROM {{region}} r WHERE r.level = %s AND {depth[region.level]}")
    sql = (f"SELECT 0, c.id, NULL, NULL FROM ({counties}) c UNION ALL "
           f"SELECT 1, s.id, s.name, t.code FROM {{station}} s LEFT JOIN {{region}} t ON t.id = s.town_id "
           f"WHERE s.county_id IN ({counties})").format(
        region=connection.ops.quote_name(Region._meta.db_table),
        station=connection.ops.quote_name(Station._meta.db_table))
    county_ids, stations = set(), []
    with connection.cursor() as cursor:
        cursor.execute(sql, [RegionLevel.COUNTY, region.pk] * 2)
        for kind, pk, name, town_code in cursor.fetchall():
            if kind == 0:
                county_ids.add(pk)
            else:
                stations.append((town_code or "", pk, name))
    stations.sort()
    return Scope(frozenset(pk for _code, pk, _name in stations), frozenset(county_ids),
                 tuple((pk, name) for _code, pk, name in stations))


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


def governed_county_ids(user):
    """The counties whose organisations and staff ``user`` administers: the counties of their
    scope (a county bureau administrator: their county); ``None`` for a superuser (all)."""
    if getattr(user, "is_superuser", False):
        return None
    scope = scope_for(user)
    return frozenset() if scope.county_ids is None else scope.county_ids
