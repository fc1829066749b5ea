"""How a user maps to the stations of their scope: their post (``Staff``) decides.

A social worker or station head sees their station; a bureau, guidance-center or auditor
user sees every station of their county; a city (or province) viewer sees every station of
the counties under their region. Everybody else sees nothing (deny by default).
"""

from django.db import connection

from portal.scoping import NOTHING, Scope, scope_for

from .choices import STATION_ROLES, RegionLevel
from .roles import FIGURES_ONLY as FIGURES_ONLY_ROLES


def compute_scope(user):
    """The scope of an active, non-superuser account (``portal.scoping`` handles the rest)."""
    from .models import Region, Station

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
    # The cities above those counties and the provinces above the cities come with them
    # (``regions_above``): the region dropdowns of a city viewer's lists compared with three
    # nested subqueries of the same, a third of /training/ to build (bench crawl).
    counties = (f"SELECT r.id FROM {{region}} r WHERE r.level = %s AND {depth[region.level]}")
    cities = f"SELECT r.parent_id FROM {{region}} r WHERE r.level = %s AND {depth[region.level]}"
    sql = (f"SELECT 0, c.id, NULL, NULL FROM ({counties}) c UNION ALL "
           f"SELECT 1, s.id, s.name, t.code FROM {{station}} s LEFT JOIN {{region}} t ON t.id = s.town_id "
           f"WHERE s.county_id IN ({counties}) UNION ALL "
           f"SELECT 2, p.id, NULL, NULL FROM {{region}} p WHERE p.id IN ({cities}) UNION ALL "
           f"SELECT 2, p.parent_id, NULL, NULL FROM {{region}} p WHERE p.id IN ({cities}) "
           f"AND p.parent_id IS NOT NULL").format(
        region=connection.ops.quote_name(Region._meta.db_table),
        station=connection.ops.quote_name(Station._meta.db_table))
    county_ids, stations, above = set(), [], set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [RegionLevel.COUNTY, region.pk] * 4)
        for kind, pk, name, town_code in cursor.fetchall():
            if kind == 0:
                county_ids.add(pk)
            elif kind == 1:
                stations.append((town_code or "", pk, name))
            else:
                above.add(pk)
    stations.sort()
    return Scope(frozenset(pk for _code, pk, _name in stations), frozenset(county_ids),
                 station_names=tuple((pk, name) for _code, pk, name in stations),
                 people=staff.role not in FIGURES_ONLY_ROLES, regions=frozenset(county_ids | above))




def touched_counties(scope):
    """The counties a scope touches: its own counties, else its stations' counties (a subquery)."""
    from .models import Station

    if scope.county_ids:
        return sorted(scope.county_ids)
    return Station.objects.filter(pk__in=sorted(scope.station_ids)).values("county")


def regions_above(scope):
    """The counties a scope touches and the cities and provinces above them: the ids the scope
    query read (county and city users), else a subquery (a station's scope)."""
    from django.db.models import Q

    if scope.regions is not None:
        return sorted(scope.regions)

    from .models import Region, Station

    station_counties = Station.objects.filter(pk__in=sorted(scope.station_ids)).values("county")
    counties = Region.objects.filter(Q(pk__in=sorted(scope.county_ids)) | Q(pk__in=station_counties))
    return Region.objects.filter(
        Q(pk__in=counties.values("pk")) | Q(pk__in=counties.values("parent")) | Q(pk__in=counties.values("parent__parent"))
    ).values("pk")


def governed_county_ids(user):
    """The counties whose organisations and staff ``user`` administers: the counties of their
    scope (a county bureau administrator: their county); ``None`` for a superuser (all)."""
    if getattr(user, "is_superuser", False):
        return None
    scope = scope_for(user)
    return frozenset() if scope.county_ids is None else scope.county_ids
