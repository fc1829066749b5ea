"""Who may see what: the one mechanism that maps a user to the stations in their scope.

A social worker or station head sees their station; a bureau, guidance-center or auditor
user sees every station of their county; a city (or province) viewer sees every station of
the counties under their region. Everybody else sees nothing (deny by default).

Every scoped model's default manager is built on ``ScopedQuerySet`` and declares how it
reaches a station (``scope_field``); pages, API viewsets, exports, figures and form
dropdowns all call ``.visible_to(user)`` and nothing else.
"""

import functools
import operator
from dataclasses import dataclass

from django.db import models

from .memo import once_per_user


@dataclass(frozen=True)
class Scope:
    """The stations (and counties) a user may see; ``None`` means every one."""

    station_ids: frozenset | None
    county_ids: frozenset | None
    # False for the roles that read figures only (a city or province viewer, SPEC §1): they
    # reach no person-level record (a model with ``person_level = True``) anywhere.
    people: bool = True
    # (id, name) of the stations in the order of their towns, when the scope query read them
    # (county and city users): the station dropdowns of list pages need no query of their own.
    station_names: tuple = ()
    # The scope's counties and the cities and provinces above them, when the scope query read
    # them (county and city users): ``Reach.above`` compares with these ids, not a subquery.
    regions: frozenset | None = None

    @property
    def is_global(self):
        return self.station_ids is None

    def allows_station(self, station_id):
        return self.station_ids is None or station_id in self.station_ids


NOTHING = Scope(frozenset(), frozenset())
EVERYTHING = Scope(None, None)


_resolver = None
_touched_counties = None
_regions_above = None


def set_scope_resolver(resolver, *, touched_counties=None, regions_above=None):
    """The organisation layer says how a user maps to stations (``stations.scoping``, registered
    from ``StationsConfig.ready``): the core never imports it. ``touched_counties(scope)`` and
    ``regions_above(scope)`` give the ids (a list or a subquery) that ``Reach.local`` and
    ``Reach.above`` compare with."""
    global _resolver, _touched_counties, _regions_above
    _resolver, _touched_counties, _regions_above = resolver, touched_counties, regions_above


def _compute_scope(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return NOTHING if _resolver is None else _resolver(user)


def scope_for(user):
    """The user's scope, computed once per user object (i.e. once per request)."""
    return once_per_user(user, "scope", lambda: _compute_scope(user))


@dataclass(frozen=True)
class Reach:
    """How a model's rows reach a user's scope, declared once on the model (``reach = Reach(…)``);
    a row is visible when any part matches. A model that only declares ``scope_field`` (its
    path to the station) reaches ``Reach(stations=(scope_field,))``.

    - ``stations``: paths to a station — in the scope's stations;
    - ``counties``: paths to a county — one of the scope's own counties (county and city users);
      an entry may be ``(path, {extra lookups})`` to narrow it;
    - ``local``: paths to a county — a county the scope touches (its own, else its stations');
    - ``above``: paths to a region — a county the scope touches, or the city or province above;
    - ``shared``: a path whose empty value means "shared by every county";
    - ``user``: a path to the user — their own rows;
    - ``via``: a path to a record whose own reach decides.
    """

    stations: tuple = ()
    counties: tuple = ()
    local: tuple = ()
    above: tuple = ()
    shared: str | None = None
    user: str | None = None
    via: str | None = None


def reach_of(model):
    reach = getattr(model, "reach", None)
    if reach is not None:
        return reach
    field = getattr(model, "scope_field", None)
    return Reach(stations=(field,)) if field else None


@functools.cache
def crosses_to_many(model, path):
    """Whether ``path`` crosses a to-many relation (its filter would repeat rows)."""
    current = model
    for part in path.split("__"):
        if part == "pk":
            return False
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        current = field.related_model
    return False


def _match(model, path, values):
    if path == "pk":
        return models.Q(pk__in=values)
    if crosses_to_many(model, path):
        # EXISTS per row, not ``pk IN (SELECT …)``: beside a county's arm of the reach (a
        # training's county, or the attendees' stations) PostgreSQL hashed every attendance of
        # the city for each of a list's three queries (10 ms each, the city viewer's /training/:
        # make bench, crawl_worst_page); an EXISTS is only tried for a row the other arms miss.
        return models.Q(models.Exists(model._base_manager.filter(pk=models.OuterRef("pk"), **{f"{path}__in": values})))
    return models.Q(**{f"{path}__in": values})


def reach_filter(model, scope, user):
    """The ``Q`` of the rows of ``model`` that ``scope`` (of ``user``) reaches."""
    reach = reach_of(model)
    if reach is None:
        raise TypeError(f"{model._meta.label} declares neither scope_field nor reach")
    if reach.via:
        target = model._meta.get_field(reach.via.split("__")[0]).related_model
        for part in reach.via.split("__")[1:]:
            target = target._meta.get_field(part).related_model
        reached = target._base_manager.filter(reach_filter(target, scope, user)).values("pk")
        return _match(model, reach.via, reached)
    parts = []
    stations = sorted(scope.station_ids)
    counties = sorted(scope.county_ids)
    for entry in reach.counties:
        path, extra = entry if isinstance(entry, tuple) else (entry, {})
        parts.append(_match(model, path, counties) & models.Q(**extra))
    if reach.local:
        touched = _touched_counties(scope) if _touched_counties is not None else counties
        parts += [_match(model, path, touched) for path in reach.local]
    if reach.above:
        regions = _regions_above(scope) if _regions_above is not None else counties
        parts += [_match(model, path, regions) for path in reach.above]
    if reach.shared:
        parts.append(models.Q(**{f"{reach.shared}__isnull": True}))
    if reach.user and user is not None and getattr(user, "pk", None) is not None:
        parts.append(_match(model, reach.user, [user.pk]))
    # the stations' arms last: a row another arm reaches (a county's training) is not looked up
    # through its attendees (PostgreSQL tries an OR's arms in the order written)
    parts += [_match(model, path, stations) for path in reach.stations]
    if not parts:
        return models.Q(pk__in=[])
    return functools.reduce(operator.or_, parts)


class ScopedQuerySet(models.QuerySet):
    """Querysets of models that belong to a station or a region. The model declares how its
    rows reach a scope (``scope_field``, its path to the station — "station",
    "client__station", "pk" for Station itself — or a ``Reach``); ``visible_to`` is derived
    from that declaration here and nowhere else. A model with ``person_level = True`` shows
    nothing to a figures-only scope."""

    def visible_to(self, user):
        scope = scope_for(user)
        if not scope.people and getattr(self.model, "person_level", False):
            return self.none()
        if scope.is_global:
            return self.all()
        return self.filter(reach_filter(self.model, scope, user))


def visible_or_404(queryset, user, **lookup):
    """The one record of ``queryset`` (a model, manager or queryset) that ``lookup`` names, if
    ``user`` may see it; 404 otherwise, exactly as for a record that does not exist — and for a
    lookup value that cannot be an id at all (``/clients/EC/…``), as DRF's ``get_object`` does."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    if isinstance(queryset, type):
        queryset = queryset._default_manager
    try:
        return get_object_or_404(queryset.visible_to(user), **lookup)
    except (TypeError, ValueError, ValidationError):
        raise Http404 from None
