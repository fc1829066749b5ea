"""The lists behind the figures (SPEC §3: "every figure on a page links to a list whose exact
total is that figure"): one place that knows which list, with which filters, shows exactly the
records a figure counts, for the dashboard, the annual page and the monthly report."""

import datetime
from functools import lru_cache
from urllib.parse import quote_plus

from django.urls import get_script_prefix, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.choices import Category
from portal.memo import once_per_user
from portal.scoping import scope_for

from . import figures


@lru_cache(maxsize=256)
def _path(url_name, prefix):
    return reverse(url_name)


@lru_cache(maxsize=64)
def _list_view(url_name, prefix):
    """(model, filter names) of a list page: who may open it, and which parameters it reads."""
    view = getattr(resolve(_path(url_name, prefix)).func, "view_class", None)
    queryset = getattr(view, "queryset", None)
    model = getattr(view, "list_model", None) or (queryset.model if queryset is not None else None)
    filterset = getattr(view, "filterset_class", None)
    return model, (frozenset(filterset.base_filters) if filterset is not None else None)


def opens(user, url_name):
    """Whether ``user`` can open the list ``url_name``: its view permission, and for a list of
    person-level records (visits, clients ...) a scope with people in it (the city viewer reads
    figures only, SPEC §1: the dashboard does not link it to pages that answer 403). Answered
    once per user object (i.e. per request, as its scope is): a dashboard asks ~160 times."""
    known = once_per_user(user, "opens", dict)
    if url_name not in known:
        model, _filters = _list_view(url_name, get_script_prefix())
        if model is None:
            known[url_name] = True
        elif getattr(model, "person_level", False) and not scope_for(user).people:
            known[url_name] = False
        else:
            known[url_name] = user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    return known[url_name]


def _query_value(value):
    # ids, dates and flags need no quoting (most of a dashboard's ~2,000 parameters); the rest
    # are quoted as urlencode quotes them
    if isinstance(value, (int, datetime.date)):
        return str(value)
    return quote_plus(str(value))


def link(url_name, **params):
    """The URL of a list page with its filter parameters (empty ones left out). The city
    dashboard makes ~2,000 of them: the list pages' paths are reversed once."""
    query = "&".join(f"{quote_plus(key)}={_query_value(value)}" for key, value in params.items()
                     if value not in (None, ""))
    return _path(url_name, get_script_prefix()) + (f"?{query}" if query else "")


def link_for(user, url_name, **params):
    """``link``, or ``None`` when ``user`` cannot open that list (``opens``)."""
    return link(url_name, **params) if opens(user, url_name) else None


def figure_link(user, url_name, **params):
    """The list behind a figure, showing its exact total (``?exact=1``: not the browsing cap
    "500+"), or ``None`` when ``user`` cannot open that list (``opens``)."""
    if not opens(user, url_name):
        return None
    _model, filters = _list_view(url_name, get_script_prefix())
    given = {key for key, value in params.items() if value not in (None, "")}
    if filters is not None and not given <= filters:
        return None  # the list cannot narrow to this scope (e.g. one county of a city): no wrong total
    return link(url_name, **params, exact=1)



def figure_urls(user, *, start, end, station=None, county=None, city=None):
    """{figure key: URL of its list, or None} for the period ``start``..``end`` (dates) of the
    scope narrowed to ``station``, ``county`` or ``city`` (ids); categories as ``category:<code>``.

    visits, resources (the list shows their total), cases, groups (by first session),
    activities, supervisions, evaluations: their lists filtered to the period and scope;
    ``people_served``: the page of its four parts; ``social_workers``: the staff on duty at the
    end of the period; ``stations``: those open then; categories: the clients visited in the
    period who held the category on the visit date."""
    as_of = min(end, timezone.localdate())
    since, until = start.isoformat(), end.isoformat()
    dated = {"since": since, "until": until, "station": station, "county": None if station else county,
             "city": None if station or county else city}
    scope = {"station": station, "county": dated["county"], "city": dated["city"]}
    urls = {
        # one station: its own page (the figure is 1 if it is open, else 0)
        "stations": (reverse("stations:station_detail", args=[station]) if opens(user, "stations:station_list")
                     else None) if station else figure_link(user, "stations:station_list", open_on=as_of, **scope),
        "social_workers": figure_link(user, "stations:staff_list", counted_on=as_of, **scope),
        "visits": figure_link(user, "services:visit_list", **dated),
        # its page narrows to a station or a county (a city: no link rather than a wrong total)
        "people_served": link("reports:people_served", **dated)
        if opens(user, "services:visit_list") and not dated["city"] else None,
        "resources_linked_amount": figure_link(user, "services:resourcelink_list", **dated),
        "casework": figure_link(user, "services:case_list", **dated),
        "groupwork": figure_link(user, "services:group_list", **dated),
        "community_activities": figure_link(user, "services:activity_list", **dated),
        "trainings": figure_link(user, "training:training_list", **dated),
        "supervisions": figure_link(user, "training:supervision_list", **dated),
        "station_evaluations": figure_link(user, "training:evaluation_list", **dated),
        # the volunteer-service records of the period: the list counts the distinct volunteers
        # and totals their hours (its two totals are the two figures)
        "volunteers": figure_link(user, "services:volunteerservice_list", **dated),
    }
    urls["volunteer_hours"] = urls["volunteers"]
    for code, _label in Category.choices:
        urls[f"category:{code}"] = figure_link(user, "clients:client_list", visited_since=since, visited_until=until,
                                               visited_category=code, **scope)
    return urls


def as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


# The rows of a monthly report's figures: the station-level keys of SPEC §3 and the categories.
MONTHLY_ROWS = [
    ("visits", _("Visits")), ("people_served", _("People served (person-times)")),
    ("resources_linked_amount", _("Resources linked (yuan)")), ("casework", _("Cases opened")),
    ("groupwork", _("Groups started")), ("community_activities", _("Community activities")),
    ("supervisions", _("Supervisions")), ("social_workers", _("Social workers")),
]


def monthly_report_figures(*, report, user):
    """The figures of ``report``'s station for its month, the previous month and the same month
    a year before, each a link to its records (``services.hooks.monthly_figures``)."""
    month = report.month
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    last_year = month.replace(year=month.year - 1)
    periods = []
    for start in (month, previous, last_year):
        if start.year < figures.MIN_YEAR:
            continue
        period = figures.month_period(start)
        values = figures.compute(station_ids=[report.station_id], start=period.start, end=period.end)
        urls = figure_urls(user, start=period.start, end=period.end, station=report.station_id)
        periods.append({"label": f"{start:%Y-%m}", "values": values, "urls": urls})
    rows = [{"key": key, "label": label, "cells": [{"value": p["values"][key], "url": p["urls"][key]}
                                                    for p in periods]}
            for key, label in MONTHLY_ROWS]
    rows += [{"key": f"category:{code}", "label": label,
              "cells": [{"value": p["values"]["visited_clients_by_category"][code], "url": p["urls"][f"category:{code}"]}
                        for p in periods]}
             for code, label in Category.choices]
    return {"periods": [p["label"] for p in periods], "rows": rows}
