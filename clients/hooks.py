"""Hooks the clients layer offers to the layers above it (docs/development.md: a lower layer
learns about a higher one through a hook it offers, never by importing it).

``visited_clients``: the people behind a ``visited_clients_by_category`` figure of a calendar
month or year. The figures engine (``reports``) keeps them beside its rollup cells and
registers the reader at start-up; the registry's "clients visited in the period" list (and
"visited ever with the category": no dates) then
reads an index range instead of joining a year of visits with the memberships (docs/scaling.md,
"The crawl"). Without a provider, or for a period that is not a month or a year, the list joins
the raw records (``clients.filters.visited_in_period``): the same people, counted the same way."""

_visited_clients = None


def set_visited_clients(provider):
    """``provider(*, station_ids, since, until, category)`` returns a queryset of client ids
    (``.values("client")``), or None when it does not keep that period (``since`` and
    ``until`` both None: visited at any time)."""
    global _visited_clients
    _visited_clients = provider


def visited_clients(*, station_ids, since, until, category):
    if _visited_clients is None:
        return None
    return _visited_clients(station_ids=station_ids, since=since, until=until, category=category)
