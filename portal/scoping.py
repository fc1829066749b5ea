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

    @property
    def is_global(self):
        return self.station_ids is None

    def allows_station(self, station_id):
        return self.station_ids is None or station_id in self.station_ids


NOTHING = Scope(frozenset(), frozenset())
EVERYTHING = Scope(None, None)


_resolver = None


def set_scope_resolver(resolver):
    """The organisation layer says how a user maps to stations (``portal.scoping.compute_scope``,
    registered from ``StationsConfig.ready``): the core never imports it."""
    global _resolver
    _resolver = resolver


def _compute_scope(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return NOTHING if _resolver is None else _resolver(user)


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
        if not scope.people and getattr(self.model, "person_level", False):
            return self.none()
        if scope.is_global:
            return self.all()
        field = self.model.scope_field
        lookup = "pk__in" if field == "pk" else f"{field}__in"
        return self.filter(**{lookup: sorted(scope.station_ids)})
