"""The dashboard at ``/``: the figures of SPEC §3 for the user's scope and the chosen year,
month and station, each linked to the filtered list of the records behind it, plus the
management figures (overdue visits and dispatches, caseload, case closure, monthly-report
status, contract targets). Every figure comes from ``reports.figures``; the dashboard reads
the rollup, so its number of queries does not grow with stations or records."""

import datetime
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from redis.exceptions import RedisError

from clients.choices import Category, ClientStatus
from clients.models import Client
from funding.models import Contract
from funding.services import contract_achievement
from portal.filters import FastSelect, ListedModelChoiceField
from portal.scoping import scope_for
from services.choices import CaseStage, MonthlyReportStatus
from services.models import Case, Dispatch, MonthlyReport
from stations.choices import RegionLevel
from stations.models import Region, ServicePoint, Staff, Station

from .. import figures
from ..links import figure_link, figure_urls, link, link_for, opens

CASELOAD_ROWS = 30
MONTHS = [("", _("Whole year")), *[(str(number), name) for number, name in MONTH_NAMES.items()]]


# The kept dashboard bodies live in the shared cache (Redis when REDIS_URL is set). Redis down
# must not take the dashboard with it: the body is then counted afresh, and a warning logged.
def _kept(key):
    try:
        return cache.get(key)
    except RedisError:
        logging.getLogger(__name__).warning("dashboard: the cache cannot be reached; counting afresh", exc_info=True)
        return None


def _keep(key, shown, seconds):
    try:
        cache.set(key, shown, seconds)
    except RedisError:
        logging.getLogger(__name__).warning("dashboard: the cache cannot be reached; body not kept")


def _viewer_level(user):
    """The level of the region a county-level or higher user sits at (their organisation's),
    read from the objects the scope already loaded (no query)."""
    staff = getattr(user, "staff", None)
    organisation = getattr(staff, "organisation", None) if staff is not None and staff.organisation_id else None
    region = getattr(organisation, "region", None) if organisation is not None else None
    return getattr(region, "level", None)


class DashboardFilterForm(forms.Form):
    """Year and month from the scope's first record to today (``first``): any other choice is
    an error shown on the form, never quietly another period."""

    # The core's Python-written <select>: Django's option templates cost 2.7 ms of a county's
    # dashboard (make bench, crawl_worst_page)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, widget=FastSelect)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, required=False, empty_value=None,
                                   widget=FastSelect)
    # Listed once and validated against the same rows (the stations: those the view has read)
    city = ListedModelChoiceField(label=_("City"), queryset=Region.objects.none(), required=False,
                                  empty_label=_("All cities in my scope"), widget=FastSelect)
    county = ListedModelChoiceField(label=_("County"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("All counties in my scope"), widget=FastSelect)
    station = ListedModelChoiceField(label=_("Station"), queryset=Station.objects.none(), required=False,
                                     empty_label=_("All stations in my scope"), widget=FastSelect)

    def __init__(self, *args, user, stations, first, counties=None, cities=None, several, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.first = min(first or self.today, self.today)
        self.fields["year"].choices = [(y, str(y)) for y in range(self.today.year, self.first.year - 1, -1)]
        self.fields["station"].offer(stations)
        if not several:
            del self.fields["station"]
        if counties is None:
            del self.fields["county"]
        else:
            self.fields["county"].offer(counties)
        if cities is None:
            del self.fields["city"]
        else:
            self.fields["city"].offer(cities)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        year, month = data.get("year") or self.today.year, data.get("month")
        if month and "year" not in self.errors:
            chosen = datetime.date(year, month, 1)
            if chosen > self.today:
                self.add_error("month", _("%(month)s has not begun yet.") % {"month": f"{year}-{month:02d}"})
            elif chosen < self.first.replace(day=1):
                self.add_error("month", _("There are no records before %(first)s.") % {
                    "first": f"{self.first:%Y-%m}"})
        city, county, station = data.get("city"), data.get("county"), data.get("station")
        if county is not None and station is not None and station.county_id != county.pk:
            self.add_error("station", _("This station is not in the chosen county."))
        if city is not None and county is not None and county.parent_id != city.pk:
            self.add_error("county", _("This county is not in the chosen city."))
        if city is not None and station is not None and station.county.parent_id != city.pk:
            self.add_error("station", _("This station is not in the chosen city."))
        return data


class DashboardView(LoginRequiredMixin, TemplateView):
    """The dashboard's body is rendered from the figures and, when ``DASHBOARD_CACHE_SECONDS``
    is set (production: docs/scaling.md), kept that long per user, language and filter, so
    that reloading it costs what a minimal page costs; ``?fresh=1`` recounts at once. With
    the rollup refreshed in the background (``FIGURES_REFRESH = "worker"``) a saved record
    shows within the refresh interval plus this lifetime (60 s at most by default)."""

    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        seconds = settings.DASHBOARD_CACHE_SECONDS
        params = request.GET.copy()
        fresh = params.pop("fresh", None)
        key = None
        if seconds and not fresh:
            # The scope is part of the key: a user moved to another station or county never sees
            # the body kept for the old one.
            scope = scope_for(request.user)
            stations = "all" if scope.is_global else hashlib.sha256(
                ",".join(map(str, sorted(scope.station_ids))).encode()).hexdigest()[:16]
            key = (f"dashboard:{request.user.pk}:{stations}:{translation.get_language()}:"
                   f"{timezone.localdate().isoformat()}:{params.urlencode()}")
        shown = _kept(key) if key else None
        if shown is None:
            context = self.get_context_data(**kwargs)
            shown = {"body": render_to_string("reports/dashboard_body.html", context, request),
                     "figures": context["figures"], "computed_at": timezone.now()}
            if key:
                _keep(key, shown, seconds)
        params["fresh"] = "1"
        return self.render_to_response({
            "view": self, "body": mark_safe(shown["body"]), "figures": shown["figures"],
            "computed_at": shown["computed_at"], "fresh_query": params.urlencode(),
            "delayed": bool(seconds) or not figures.refresh_on_read(),
        })

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        scope = scope_for(user)
        visible = Station.objects.visible_to(user).select_related("county").order_by("county__code", "town__code")
        stations = list(visible)
        scope_ids, _counties = figures.scope_station_ids(user)
        several_counties = bool(scope.county_ids) and len(scope.county_ids) > 1
        counties = Region.objects.filter(pk__in=sorted(scope.county_ids)).order_by("code") if several_counties \
            else None
        # A province viewer (SPEC §1: 市/省民政) chooses a city first: its scope's cities.
        cities = Region.objects.filter(
            level=RegionLevel.CITY, pk__in=Region.objects.filter(pk__in=sorted(scope.county_ids)).values("parent")
        ).order_by("code") if several_counties and _viewer_level(user) == RegionLevel.PROVINCE else None
        form = DashboardFilterForm(self.request.GET or None, user=user, stations=visible,
                                   first=figures.first_record_date(scope_ids), counties=counties, cities=cities,
                                   several=len(stations) > 1)
        year, month, station, county, city = today.year, None, None, None, None
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or year
            month = form.cleaned_data.get("month")
            station = form.cleaned_data.get("station")
            county = form.cleaned_data.get("county")
            city = form.cleaned_data.get("city")
        if len(stations) == 1 and not scope.county_ids:
            # a station's own staff; a county-wide user with one station keeps the county's
            # figures (its trainings), as a city or province viewer sees that county
            station = stations[0]
        if station is not None or county is not None:
            city = None  # the narrower choice decides (the form checked they agree)
        period = figures.month_period(datetime.date(year, month, 1)) if month else figures.year_period(year)
        station_ids, county_ids = figures.scope_station_ids(user, station, county, city)
        shown = [s for s in stations if (station is None or s.pk == station.pk)
                 and (county is None or s.county_id == county.pk)
                 and (city is None or s.county.parent_id == city.pk)]
        shown_ids = [s.pk for s in shown]
        per_station = None
        if station is None and len(shown) > 1 and (station_ids is None or set(station_ids) == set(shown_ids)):
            # the figures and their breakdown by station read once
            totals, per_station = figures.compute_with_stations(station_ids=shown_ids, start=period.start,
                                                                end=period.end, county_ids=county_ids)
        else:
            totals = figures.compute(station_ids=station_ids, start=period.start, end=period.end,
                                     county_ids=county_ids)
        base = {"since": period.start.isoformat(), "until": period.end.isoformat(),
                "station": station.pk if station else None, "county": county.pk if county and not station else None,
                "city": city.pk if city else None}

        context.update(
            form=form,
            period=period,
            year=year,
            month=month,
            station=station,
            county=county,
            city=city,
            # a province viewer's county dashboard leads back up to its city's
            drill_up=county.parent if county is not None and cities is not None else None,
            people=scope.people,  # figures-only roles see no person-level management lists
            station_count=len(stations),
            figures=totals,
            cards=self._cards(totals, base, period),
            categories=self._categories(totals, base, period),
        )
        context["series"] = figures.monthly_series(station_ids=station_ids, year=year)
        for row in context["series"]:
            month_period = figures.month_period(datetime.date(year, row["month"], 1))
            row["visits_url"] = figure_link(user, "services:visit_list", since=month_period.start,
                                            until=month_period.end, station=base["station"],
                                            county=base["county"], city=base["city"])
        context["chart_data"] = {
            "months": [str(MONTHS_3[row["month"]]) for row in context["series"]],
            "visits": [row["visits"] for row in context["series"]],
            "people_served": [row["people_served"] for row in context["series"]],
            "categories": [{"name": str(label), "value": totals["visited_clients_by_category"][code]}
                           for code, label in Category.choices],
            "labels": {"visits": str(_("Visits")), "people_served": str(_("People served"))},
        }
        province_wide = cities is not None and city is None and county is None and station is None
        by_county = not province_wide and several_counties and station is None and county is None
        if station is None and len(shown) > 1 and per_station is None:
            per_station = figures.by_station(station_ids=shown_ids, start=period.start, end=period.end,
                                             trainings=False)
        if per_station is not None and not province_wide and not by_county:
            # A city's (a province's) stations are read county by county (city by city): its
            # region table drills into each county's dashboard, which lists that county's stations.
            context["station_rows"] = self._station_rows(shown, per_station, base)
        if province_wide:
            context["cities"] = self._regions("city", list(cities), scope.county_ids, shown, per_station, period, month)
        elif by_county:
            in_city = sorted(county_ids) if city is not None else sorted(scope.county_ids)
            context["counties"] = self._regions("county", list(Region.objects.filter(pk__in=in_city).order_by("code")),
                                                in_city, shown, per_station, period, month)
        for kind in ("cities", "counties"):
            if kind in context:
                columns = context[kind]["columns"]
                context["chart_data"][kind] = {
                    "names": [column["region"].name for column in columns],
                    "visits": [column["figures"]["visits"] for column in columns],
                    "people_served": [column["figures"]["people_served"] for column in columns],
                }
        if station is not None and scope.people:
            context["point_rows"] = self._point_rows(station, base, period)
        context.update(self._management(user, shown, station, period, today,
                                        regions=context.get("cities") or context.get("counties")))
        context["contracts"] = self._contracts(user, station, year)
        return context

    # --- figure cards ---------------------------------------------------------------------
    def _cards(self, totals, base, period):
        """Each figure with the list of exactly the records it counts (SPEC §3), for the same
        period and scope: the list's exact total is the figure (``links.figure_urls``)."""
        urls = figure_urls(self.request.user, start=period.start, end=period.end, station=base["station"],
                           county=base["county"], city=base["city"])
        cards = [
            ("stations", _("Stations"), "house-heart", None),
            ("social_workers", _("Social workers"), "people", None),
            ("visits", _("Visits"), "door-open", None),
            ("people_served", _("People served (person-times)"), "heart-pulse", None),
            ("resources_linked_amount", _("Resources linked (yuan)"), "gift", None),
            ("casework", _("Cases opened"), "folder2-open", None),
            ("groupwork", _("Groups started"), "people-fill", None),
            ("community_activities", _("Community activities"), "flag", None),
            ("trainings", _("Trainings"), "mortarboard", _("%(hours)s hours") % {"hours": totals["training_hours"]}),
            ("supervisions", _("Supervisions"), "clipboard-check",
             _("%(hours)s hours") % {"hours": totals["supervision_hours"]}),
            ("station_evaluations", _("Station evaluations"), "award", None),
            ("volunteers", _("Volunteers"), "person-hearts",
             _("%(hours)s hours of service") % {"hours": totals["volunteer_hours"]}),
        ]
        return [{"key": key, "label": label, "value": totals[key], "icon": icon, "extra": extra, "url": urls[key]}
                for key, label, icon, extra in cards]

    def _categories(self, totals, base, period):
        """Clients visited in the period who held the category on the visit date."""
        urls = figure_urls(self.request.user, start=period.start, end=period.end, station=base["station"],
                           county=base["county"], city=base["city"])
        return [{"code": code, "label": label, "value": totals["visited_clients_by_category"][code],
                 "url": urls[f"category:{code}"]} for code, label in Category.choices]

    # --- per station and per county -------------------------------------------------------
    def _station_rows(self, shown, rows, base):
        user = self.request.user
        keys = ["visits", "people_served", "casework", "groupwork", "community_activities", "supervisions"]
        names = {"visits": "services:visit_list", "casework": "services:case_list",
                 "groupwork": "services:group_list", "community_activities": "services:activity_list",
                 "supervisions": "training:supervision_list"}
        people = opens(user, "services:visit_list")
        until = base["until"]
        as_of = min(datetime.date.fromisoformat(until), timezone.localdate())

        def url(key, params):
            if key == "people_served":
                return link("reports:people_served", **params) if people else None
            return figure_link(user, names[key], **params)

        table = []
        total = defaultdict(int)
        total_amount = Decimal("0.00")
        for station in shown:
            data = rows[station.pk]
            params = {**base, "station": station.pk, "county": None, "city": None}
            cells = [{"value": data[key], "url": url(key, params)} for key in keys]
            cells.insert(0, {"value": data["social_workers"],
                             "url": figure_link(user, "stations:staff_list", station=station.pk, counted_on=as_of)})
            cells.append({"value": data["resources_linked_amount"],
                          "url": figure_link(user, "services:resourcelink_list", **params)})
            for key in ["social_workers", *keys]:
                total[key] += data[key]
            total_amount += Decimal(data["resources_linked_amount"])
            table.append({"station": station, "cells": cells})
        everywhere = {**base, "station": None}
        footer = [{"value": total["social_workers"],
                   "url": figure_link(user, "stations:staff_list", counted_on=as_of, county=base["county"],
                                      city=base["city"])},
                  *[{"value": total[key], "url": url(key, everywhere)} for key in keys],
                  {"value": f"{total_amount}", "url": figure_link(user, "services:resourcelink_list", **everywhere)}]
        return {"rows": table, "footer": footer}

    def _point_rows(self, station, base, period):
        """One station's figures by village and community service point (村/社区社工室), and the
        station's own records (naming no point): visits, visited clients, activities, groups and
        people served, each a link to its list filtered to that point, whose exact total it is.
        The rows add up to the station's figures (visited clients: distinct per point)."""
        user = self.request.user
        points = list(ServicePoint.objects.visible_to(user).filter(station=station).order_by("-is_active", "name"))
        if not points:
            return None
        rows = figures.by_service_point(station_id=station.pk, start=period.start, end=period.end)
        empty = dict.fromkeys(figures.BREAKDOWN_KEYS, 0)
        dated = {"since": base["since"], "until": base["until"], "station": station.pk}

        def cells(data, at, visited_at, people_at):
            return [
                {"value": data["visits"], "url": figure_link(user, "services:visit_list", **dated, **at)},
                {"value": data["visited_clients"],
                 "url": figure_link(user, "clients:client_list", station=station.pk, visited_since=base["since"],
                                    visited_until=base["until"], **visited_at)},
                {"value": data["community_activities"],
                 "url": figure_link(user, "services:activity_list", **dated, **at)},
                {"value": data["groupwork"], "url": figure_link(user, "services:group_list", **dated, **at)},
                {"value": data["people_served"],
                 "url": link("reports:people_served", **dated, **people_at) if opens(
                     user, "services:visit_list") else None},
            ]

        table = [{"point": point, "cells": cells(rows.get(point.pk, empty), {"service_point": point.pk},
                                                 {"visited_service_point": point.pk}, {"service_point": point.pk})}
                 for point in points]
        own = {"point": None, "cells": cells(rows.get(None, empty), {"no_service_point": "true"},
                                             {"visited_without_point": "true"}, {"own": 1})}
        return {"rows": table, "own": own}

    def _regions(self, kind, regions, county_ids, stations, per_station, period, month):
        """Each county's (``kind="county"``) or city's (``"city"``) figures, summed from the
        per-station figures (every key shown here adds up across a region's stations) plus the
        trainings of its counties (a training belongs to one county): no per-region recount.
        Each column drills into that region's dashboard, with the figures its own bureau (a
        county) or its own viewer (a city) sees."""
        county_region = {pk: pk for pk in county_ids} if kind == "county" else dict(
            Region.objects.filter(pk__in=sorted(county_ids)).values_list("pk", "parent"))
        trainings = figures.trainings_by_county(county_ids, period.start, period.end)
        totals = {region.pk: defaultdict(int) for region in regions}
        members = defaultdict(list)
        for station in stations:
            members[county_region.get(station.county_id)].append(station.pk)
            data = per_station.get(station.pk) if per_station else None
            total = totals.get(county_region.get(station.county_id))
            if data is None or total is None:
                continue
            for key in ("stations", "social_workers", "visits", "people_served", "casework", "groupwork",
                        "community_activities", "supervisions"):
                total[key] += data[key]
            total["resources_linked_amount"] += Decimal(data["resources_linked_amount"])
        for county_id, number in trainings.items():
            if county_region.get(county_id) in totals:
                totals[county_region[county_id]]["trainings"] += number
        columns = []
        for region in regions:
            data = totals[region.pk]
            data["resources_linked_amount"] = f"{Decimal(data['resources_linked_amount']).quantize(Decimal('0.01'))}"
            data.setdefault("trainings", 0)
            columns.append({"region": region, kind: region, "figures": data, "station_ids": members[region.pk],
                            "url": link("home", year=period.start.year, month=month, **{kind: region.pk})})
        rows = []
        for key, label in [
            ("stations", _("Stations")), ("social_workers", _("Social workers")), ("visits", _("Visits")),
            ("people_served", _("People served (person-times)")),
            ("resources_linked_amount", _("Resources linked (yuan)")), ("casework", _("Cases opened")),
            ("groupwork", _("Groups started")), ("community_activities", _("Community activities")),
            ("trainings", _("Trainings")), ("supervisions", _("Supervisions")),
        ]:
            rows.append({"key": key, "label": label,
                         "values": [{"value": column["figures"][key], "url": column["url"]} for column in columns]})
        return {"kind": kind, "columns": columns, "rows": rows}

    # --- management figures ---------------------------------------------------------------
    def _management(self, user, shown, station, period, today, regions=None):
        """The management cards: the person-level ones (overdue, caseload, case closure) for the
        roles that read person-level records, the monthly reports for every role. A figures-only
        viewer's (a city's: 100 stations) person-level querysets were all empty and cost 8 ms of
        building (make bench, crawl_worst_page)."""
        shown_ids = [s.pk for s in shown]
        names = {s.pk: s.short_name for s in shown}
        management = self._person_level(user, shown_ids, names, station, period, today) \
            if scope_for(user).people else {}
        management.update(self._reports(user, shown_ids, names, station, period, today, regions))
        return management

    def _person_level(self, user, shown_ids, names, station, period, today):
        station_id = station.pk if station else None
        overdue_clients = dict(
            Client.objects.visible_to(user).filter(station__in=shown_ids, status=ClientStatus.ACTIVE,
                                                   next_visit_due__lt=today)
            .values_list("station").annotate(n=Count("id")).order_by()
        )
        overdue_dispatches = dict(
            Dispatch.objects.visible_to(user).filter(station__in=shown_ids).overdue(today)
            .values_list("station").annotate(n=Count("id")).order_by()
        )
        overdue = [
            {"station": names[pk], "visits": overdue_clients.get(pk, 0),
             "visits_url": link_for(user, "clients:client_list", overdue="yes", station=pk),
             "dispatches": overdue_dispatches.get(pk, 0),
             "dispatches_url": link_for(user, "services:dispatch_list", overdue="true", station=pk)}
            for pk in shown_ids if overdue_clients.get(pk) or overdue_dispatches.get(pk)
        ]
        # The heaviest caseloads first; a city's 1,000 workers are not all listed on the dashboard.
        # Each worker's open cases are a subquery on the manager index and the number of workers a
        # window over the same rows: grouping every worker with every case, then counting the
        # workers again, took 11 + 4 ms of a city's dashboard (1,000 workers, 9,000 cases; make
        # bench, crawl_worst_page).
        active = Staff.objects.filter(station__in=shown_ids).workers().active(today)
        open_cases = (Case.objects.filter(manager=OuterRef("pk")).exclude(stage=CaseStage.CLOSED).order_by()
                      .values("manager").annotate(n=Count("pk")).values("n"))
        workers = (active.annotate(open_cases=Coalesce(Subquery(open_cases), 0), workers=Window(Count("pk")))
                   .order_by("-open_cases", "station__town__code", "name")
                   .values_list("pk", "name", "station__short_name", "open_cases", "workers"))
        # the caseload names workers: shown only to roles that read person-level records
        caseload = list(workers[:CASELOAD_ROWS])
        caseload_more = caseload[0][4] - len(caseload) if caseload else 0
        case_list = opens(user, "services:case_list")
        cases = Case.objects.visible_to(user).filter(station__in=shown_ids)
        # the period's cases opened (and closed of them) and closed (and their days open): one query
        opened = Q(intake_on__gte=period.start, intake_on__lte=period.end)
        closed = Q(stage=CaseStage.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
        counted = cases.aggregate(
            opened=Count("pk", filter=opened), closed_of_opened=Count("pk", filter=opened & Q(stage=CaseStage.CLOSED)),
            closed=Count("pk", filter=closed),
            open_for=Sum(ExpressionWrapper(F("closed_on") - F("intake_on"), output_field=DurationField()),
                         filter=closed))
        opened_count, closed_of_opened, closed_count = counted["opened"], counted["closed_of_opened"], counted["closed"]
        average_days = counted["open_for"].days / closed_count if closed_count else None
        return {
            "overdue": overdue,
            "overdue_totals": {
                "visits": sum(overdue_clients.values()), "dispatches": sum(overdue_dispatches.values()),
                "visits_url": link_for(user, "clients:client_list", overdue="yes", station=station_id),
                "dispatches_url": link_for(user, "services:dispatch_list", overdue="true", station=station_id),
            },
            "caseload": [{"pk": pk, "name": name, "station": station_name, "open_cases": open_count,
                          "url": link("services:case_list", manager=pk, open="true") if case_list else None}
                         for pk, name, station_name, open_count, _workers in caseload],
            "caseload_more": caseload_more,
            "caseload_more_url": link_for(user, "services:case_list", open="true", station=station_id),
            "closure": {
                "opened": opened_count, "closed": closed_of_opened,
                "rate": round(closed_of_opened * 100 / opened_count) if opened_count else None,
                "closed_in_period": closed_count,
                "average_days": round(average_days) if average_days is not None else None,
                "opened_url": link_for(user, "services:case_list", since=period.start, until=period.end, station=station_id),
                "closed_url": link_for(user, "services:case_list", since=period.start, until=period.end, station=station_id,
                                   stage=CaseStage.CLOSED),
            },
        }

    def _reports(self, user, shown_ids, names, station, period, today, regions):
        station_id = station.pk if station else None
        report_month = self._report_month(period, today)
        reports = {r.station_id: r for r in MonthlyReport.objects.visible_to(user).filter(
            station__in=shown_ids, month=report_month).only("station", "month", "status", "submitted_at", "on_time")}
        report_rows = [] if regions is not None else [{"station": names[pk], "report": reports.get(pk),
                        "url": reports[pk].get_absolute_url() if pk in reports
                        else link_for(user, "services:monthlyreport_list", station=pk, year=report_month.year)}
                       for pk in shown_ids]
        submitted = [r for r in reports.values() if r.status != MonthlyReportStatus.DRAFT]
        region_reports = None
        if regions is not None:
            # A city's (a province's) reports by county (city), each drilling into its dashboard,
            # which lists the county's stations: not a row for each of a city's 100 stations.
            region_reports = []
            for column in regions["columns"]:
                done = [reports[pk] for pk in column["station_ids"]
                        if pk in reports and reports[pk].status != MonthlyReportStatus.DRAFT]
                region_reports.append({"region": column["region"], "url": column["url"], "submitted": len(done),
                                       "stations": len(column["station_ids"]),
                                       "on_time": sum(1 for r in done if r.on_time)})
        return {
            "report_month": report_month,
            "report_rows": report_rows,
            "region_reports": region_reports,
            "reporting": {
                "submitted": len(submitted), "stations": len(shown_ids),
                "on_time": sum(1 for r in submitted if r.on_time),
                "url": link_for(user, "services:monthlyreport_list", station=station_id, year=report_month.year),
            },
        }

    @staticmethod
    def _report_month(period, today):
        """The month whose reports are shown: the chosen month, else the last month of the period
        that has ended (last month, for the current year)."""
        if period.kind == "month":
            return period.start
        last_ended = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return min(period.end.replace(day=1), max(last_ended, period.start))

    def _contracts(self, user, station, year):
        """Targets of the year's contracts in scope and what the records achieved (funding's
        ``contract_achievement``, counted by the figures engine)."""
        contracts = Contract.objects.visible_to(user).filter(year=year).select_related("contractor") \
            .prefetch_related("targets", "stations")
        if station is not None:
            contracts = contracts.filter(stations=station)
        result = []
        for contract in contracts:
            rows = [{"label": target.get_kind_display(), "target": target.value_display,
                     "achieved": f"{achieved.normalize():f}" if achieved == achieved.to_integral() else f"{achieved}",
                     "percent": min(100, percent)}
                    for target, achieved, percent in contract_achievement(contract, user=user)]
            if rows:
                result.append({"contract": contract, "rows": rows})
        return result


class PeopleServedForm(forms.Form):
    since = forms.DateField(label=_("from"))
    until = forms.DateField(label=_("to"))
    station = forms.IntegerField(required=False, min_value=1)
    county = forms.IntegerField(required=False, min_value=1)
    # one service point of the station, or the station's own records (the dashboard's breakdown)
    service_point = forms.IntegerField(required=False, min_value=1, label=_("service point"))
    own = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The start of the period cannot be after its end."))
        if (data.get("service_point") or data.get("own")) and not data.get("station"):
            self.add_error("service_point", _("Choose the station of the service point."))
        return data


class PeopleServedView(LoginRequiredMixin, TemplateView):
    """``people_served`` (服务人次) of a period and scope as its four parts (SPEC §3), each with
    the list of its records: visits; community activities (the list sums their participants);
    groups with sessions in the period (the list sums that attendance); cases with service notes
    in the period (the list counts those notes). The parts add up to the dashboard's figure."""

    template_name = "reports/people_served.html"

    def get(self, request, *args, **kwargs):
        if not opens(request.user, "services:visit_list"):
            raise PermissionDenied  # person-level lists: not for the figures-only city viewer
        form = PeopleServedForm(request.GET)
        if not form.is_valid():
            return self.render_to_response({"form": form}, status=400)
        data = form.cleaned_data
        station_ids, county_ids = figures.scope_station_ids(request.user, data["station"], data["county"])
        start, end = data["since"], data["until"]
        point, own = data.get("service_point"), bool(data.get("own"))
        if point is not None and not ServicePoint.objects.visible_to(request.user).filter(
                pk=point, station=data["station"]).exists():
            raise Http404
        parts = figures.people_served_parts(station_ids=station_ids, start=start, end=end, point=point, own=own)
        if point is None and not own:
            total = figures.compute(station_ids=station_ids, start=start, end=end,
                                    county_ids=county_ids)["people_served"]
        else:
            total = sum(parts.values())
        user, station = request.user, data["station"]
        county = None if station else data["county"]
        at = {"service_point": point} if point is not None else ({"no_service_point": "true"} if own else {})
        dated = {"since": start, "until": end, "station": station, "county": county, **at}
        parted = {"part_since": start, "part_until": end, "station": station, "county": county, **at}
        rows = [
            (_("visits"), parts["visits"], figure_link(user, "services:visit_list", **dated)),
            (_("participants of community activities"), parts["activity_participants"],
             figure_link(user, "services:activity_list", **dated)),
            (_("attendance of group sessions"), parts["group_attendance"],
             figure_link(user, "services:group_list", **parted)),
            (_("case service notes"), parts["case_notes"], None if at else figure_link(user, "services:case_list",
                                                                                          **parted)),
        ]
        station_name = Station.objects.filter(pk=station).values_list("name", flat=True).first() if station else None
        return self.render_to_response({"form": form, "rows": rows, "total": total, "since": start, "until": end,
                                        "station_name": station_name})
