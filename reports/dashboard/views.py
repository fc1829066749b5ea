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
from functools import lru_cache
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
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
from portal.scoping import scope_for
from services.choices import CaseStage, MonthlyReportStatus
from services.models import Case, Dispatch, MonthlyReport
from stations.models import Region, Staff, Station

from .. import figures

CASELOAD_ROWS = 30
MONTHS = [("", _("Whole year")), *[(str(number), name) for number, name in MONTH_NAMES.items()]]


@lru_cache(maxsize=256)
def _path(url_name, prefix):
    return reverse(url_name)


def link(url_name, **params):
    """The URL of a list page with its filter parameters (empty ones left out). The city
    dashboard makes ~2,000 of them: the list pages' paths are reversed once."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return _path(url_name, get_script_prefix()) + (f"?{query}" if query else "")



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

class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, required=False, empty_value=None)
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(), required=False,
                                     empty_label=_("All stations in my scope"))

    def __init__(self, *args, user, stations, years, several, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["station"].queryset = stations
        if not several:
            del self.fields["station"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


def _years():
    today = timezone.localdate()
    first = figures.StationPeriodFigures.objects.filter(kind="year").order_by("period_start").values_list(
        "period_start", flat=True).first()
    start = min(first.year if first else today.year, today.year)
    return list(range(today.year, start - 1, -1))


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
        years = _years()
        form = DashboardFilterForm(self.request.GET or None, user=user, stations=visible, years=years,
                                   several=len(stations) > 1)
        year, month, station = today.year, None, None
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or year
            month = form.cleaned_data.get("month")
            station = form.cleaned_data.get("station")
        if len(stations) == 1:
            station = stations[0]
        period = figures.month_period(datetime.date(year, month, 1)) if month else figures.year_period(year)
        station_ids, county_ids = figures.scope_station_ids(user, station)
        totals = figures.compute(station_ids=station_ids, start=period.start, end=period.end, county_ids=county_ids)
        shown = [s for s in stations if station is None or s.pk == station.pk]
        shown_ids = [s.pk for s in shown]
        base = {"since": period.start.isoformat(), "until": period.end.isoformat(),
                "station": station.pk if station else None}

        context.update(
            form=form,
            period=period,
            year=year,
            month=month,
            station=station,
            station_count=len(stations),
            figures=totals,
            cards=self._cards(totals, base, station, year),
            categories=self._categories(totals, station),
        )
        context["series"] = figures.monthly_series(station_ids=station_ids, year=year)
        for row in context["series"]:
            month_period = figures.month_period(datetime.date(year, row["month"], 1))
            row["visits_url"] = link("services:visit_list", since=month_period.start, until=month_period.end,
                                     station=base["station"])
        context["chart_data"] = {
            "months": [str(MONTHS_3[row["month"]]) for row in context["series"]],
            "visits": [row["visits"] for row in context["series"]],
            "people_served": [row["people_served"] for row in context["series"]],
            "categories": [{"name": str(label), "value": totals["visited_clients_by_category"][code]}
                           for code, label in Category.choices],
            "labels": {"visits": str(_("Visits")), "people_served": str(_("People served"))},
        }
        per_station = None
        if station is None and len(shown) > 1:
            per_station = figures.by_station(station_ids=shown_ids, start=period.start, end=period.end)
            context["station_rows"] = self._station_rows(shown, per_station, base)
        if scope.county_ids and len(scope.county_ids) > 1 and station is None:
            context["counties"] = self._counties(scope, stations, per_station, period)
        context.update(self._management(user, shown_ids, station, period, today))
        context["contracts"] = self._contracts(user, station, year)
        return context

    # --- figure cards ---------------------------------------------------------------------
    def _cards(self, totals, base, station, year):
        station_id = base["station"]
        dated = dict(base)
        people = [
            (_("visits"), link("services:visit_list", **dated)),
            (_("activities"), link("services:activity_list", **dated)),
            (_("group sessions"), link("services:group_list", **dated)),
            (_("cases"), link("services:case_list", **dated)),
        ]
        return [
            {"key": "stations", "label": _("Stations"), "value": totals["stations"], "icon": "house-heart",
             "url": reverse("stations:station_detail", args=[station_id]) if station_id
             else link("stations:station_list")},
            {"key": "social_workers", "label": _("Social workers"), "value": totals["social_workers"], "icon": "people",
             "url": link("stations:staff_list", station=station_id, active="true")},
            {"key": "visits", "label": _("Visits"), "value": totals["visits"], "icon": "door-open",
             "url": link("services:visit_list", **dated)},
            {"key": "people_served", "label": _("People served (person-times)"), "value": totals["people_served"], "icon": "heart-pulse",
             "url": link("services:visit_list", **dated), "parts": people},
            {"key": "resources_linked_amount", "label": _("Resources linked (yuan)"), "value": totals["resources_linked_amount"], "icon": "gift",
             "url": link("services:resourcelink_list", **dated)},
            {"key": "casework", "label": _("Cases opened"), "value": totals["casework"], "icon": "folder2-open",
             "url": link("services:case_list", **dated)},
            {"key": "groupwork", "label": _("Groups started"), "value": totals["groupwork"], "icon": "people-fill",
             "url": link("services:group_list", **dated)},
            {"key": "community_activities", "label": _("Community activities"), "value": totals["community_activities"], "icon": "flag",
             "url": link("services:activity_list", **dated)},
            {"key": "trainings", "label": _("Trainings"), "value": totals["trainings"], "icon": "mortarboard",
             "extra": _("%(hours)s hours") % {"hours": totals["training_hours"]},
             "url": link("training:training_list", since=base["since"], until=base["until"])},
            {"key": "supervisions", "label": _("Supervisions"), "value": totals["supervisions"], "icon": "clipboard-check",
             "extra": _("%(hours)s hours") % {"hours": totals["supervision_hours"]},
             "url": link("training:supervision_list", **dated)},
            {"key": "station_evaluations", "label": _("Station evaluations"), "value": totals["station_evaluations"], "icon": "award",
             "url": link("training:evaluation_list", **dated)},
        ]

    def _categories(self, totals, station):
        return [
            {"code": code, "label": label, "value": totals["visited_clients_by_category"][code],
             "url": link("clients:client_list", category=code, station=station.pk if station else None)}
            for code, label in Category.choices
        ]

    # --- per station and per county -------------------------------------------------------
    def _station_rows(self, shown, rows, base):
        keys = ["visits", "people_served", "casework", "groupwork", "community_activities", "supervisions"]
        names = {"visits": "services:visit_list", "people_served": "services:visit_list",
                 "casework": "services:case_list", "groupwork": "services:group_list",
                 "community_activities": "services:activity_list", "supervisions": "training:supervision_list"}
        table = []
        total = defaultdict(int)
        total_amount = Decimal("0.00")
        for station in shown:
            data = rows[station.pk]
            params = {**base, "station": station.pk}
            cells = [{"value": data[key], "url": link(names[key], **params)} for key in keys]
            cells.insert(0, {"value": data["social_workers"],
                             "url": link("stations:staff_list", station=station.pk, active="true")})
            cells.append({"value": data["resources_linked_amount"],
                          "url": link("services:resourcelink_list", **params)})
            for key in ["social_workers", *keys]:
                total[key] += data[key]
            total_amount += Decimal(data["resources_linked_amount"])
            table.append({"station": station, "cells": cells})
        everywhere = {**base, "station": None}
        footer = [{"value": total["social_workers"], "url": link("stations:staff_list", active="true")},
                  *[{"value": total[key], "url": link(names[key], **everywhere)} for key in keys],
                  {"value": f"{total_amount}", "url": link("services:resourcelink_list", **everywhere)}]
        return {"rows": table, "footer": footer}

    def _counties(self, scope, stations, per_station, period):
        """Each county's figures, summed from the per-station figures (every key shown here
        adds up across a county's stations) plus the county's own trainings: no per-county
        recount (was one ``figures.compute`` per county)."""
        counties = list(Region.objects.filter(pk__in=sorted(scope.county_ids)).order_by("code"))
        trainings = figures.trainings_by_county(scope.county_ids, period.start, period.end)
        totals = {county.pk: defaultdict(int) for county in counties}
        for station in stations:
            data = per_station.get(station.pk) if per_station else None
            if data is None or station.county_id not in totals:
                continue
            total = totals[station.county_id]
            for key in ("stations", "social_workers", "visits", "people_served", "casework", "groupwork",
                        "community_activities", "supervisions"):
                total[key] += data[key]
            total["resources_linked_amount"] += Decimal(data["resources_linked_amount"])
        columns = []
        for county in counties:
            data = totals[county.pk]
            data["resources_linked_amount"] = f"{Decimal(data['resources_linked_amount']).quantize(Decimal('0.01'))}"
            data["trainings"] = trainings.get(county.pk, 0)
            columns.append({"county": county, "figures": data})
        rows = [{"label": _("Stations"), "values": [
            {"value": column["figures"]["stations"], "url": link("stations:station_list", county=column["county"].pk)}
            for column in columns]}]
        for key, label in [
            ("social_workers", _("Social workers")), ("visits", _("Visits")),
            ("people_served", _("People served (person-times)")),
            ("resources_linked_amount", _("Resources linked (yuan)")), ("casework", _("Cases opened")),
            ("groupwork", _("Groups started")), ("community_activities", _("Community activities")),
            ("trainings", _("Trainings")), ("supervisions", _("Supervisions")),
        ]:
            rows.append({"label": label, "values": [{"value": column["figures"][key]} for column in columns]})
        return {"columns": columns, "rows": rows}

    # --- management figures ---------------------------------------------------------------
    def _management(self, user, shown_ids, station, period, today):
        station_id = station.pk if station else None
        names = dict(Station.objects.filter(pk__in=shown_ids).values_list("pk", "short_name"))
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
             "visits_url": link("clients:client_list", overdue="yes", station=pk),
             "dispatches": overdue_dispatches.get(pk, 0),
             "dispatches_url": link("services:dispatch_list", overdue="true", station=pk)}
            for pk in shown_ids if overdue_clients.get(pk) or overdue_dispatches.get(pk)
        ]
        # The heaviest caseloads first; a city's 1,000 workers are not all listed on the dashboard.
        workers = (Staff.objects.filter(station__in=shown_ids).workers().active(today)
                   .annotate(open_cases=Count("cases", filter=~Q(cases__stage=CaseStage.CLOSED)))
                   .select_related("station").order_by("-open_cases", "station__town__code", "name"))
        caseload = list(workers[:CASELOAD_ROWS])
        caseload_more = workers.count() - len(caseload) if len(caseload) == CASELOAD_ROWS else 0
        cases = Case.objects.visible_to(user).filter(station__in=shown_ids)
        opened = cases.filter(intake_on__gte=period.start, intake_on__lte=period.end)
        opened_count = opened.count()
        closed_of_opened = opened.filter(stage=CaseStage.CLOSED).count()
        closed = list(cases.filter(stage=CaseStage.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
                      .values_list("intake_on", "closed_on"))
        average_days = (sum((c - i).days for i, c in closed) / len(closed)) if closed else None
        report_month = self._report_month(period, today)
        reports = {r.station_id: r for r in MonthlyReport.objects.visible_to(user).filter(
            station__in=shown_ids, month=report_month)}
        report_rows = [{"station": names[pk], "report": reports.get(pk),
                        "url": reports[pk].get_absolute_url() if pk in reports
                        else link("services:monthlyreport_list", station=pk, year=report_month.year)}
                       for pk in shown_ids]
        submitted = [r for r in reports.values() if r.status != MonthlyReportStatus.DRAFT]
        return {
            "overdue": overdue,
            "overdue_totals": {
                "visits": sum(overdue_clients.values()), "dispatches": sum(overdue_dispatches.values()),
                "visits_url": link("clients:client_list", overdue="yes", station=station_id),
                "dispatches_url": link("services:dispatch_list", overdue="true", station=station_id),
            },
            "caseload": [{"staff": s, "open_cases": s.open_cases,
                          "url": link("services:case_list", manager=s.pk, open="true")} for s in caseload],
            "caseload_more": caseload_more,
            "caseload_more_url": link("services:case_list", open="true", station=station_id),
            "closure": {
                "opened": opened_count, "closed": closed_of_opened,
                "rate": round(closed_of_opened * 100 / opened_count) if opened_count else None,
                "closed_in_period": len(closed),
                "average_days": round(average_days) if average_days is not None else None,
                "opened_url": link("services:case_list", since=period.start, until=period.end, station=station_id),
                "closed_url": link("services:case_list", since=period.start, until=period.end, station=station_id,
                                   stage=CaseStage.CLOSED),
            },
            "report_month": report_month,
            "report_rows": report_rows,
            "reporting": {
                "submitted": len(submitted), "stations": len(shown_ids),
                "on_time": sum(1 for r in submitted if r.on_time),
                "url": link("services:monthlyreport_list", station=station_id, year=report_month.year),
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
