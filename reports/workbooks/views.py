"""Pages and downloads of the reports' second part: the bulletin 《浚县社工》, the annual
report (workbook and summary page), the list of reports, and the large background exports.

Every figure is the user's scope (``reports.figures.for_user``); ``?station=ID`` narrows it to
one of the user's stations (404 outside the scope). Every download is logged as an export.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Min
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import AccessLog
from accounts.services import access_log_record
from clients.choices import Category
from portal.scoping import visible_or_404
from portal.xlsx import xlsx_response
from stations.models import Station

from .. import figures
from ..exports import jobs
from ..links import figure_urls
from ..summary import annual_summary
from ..workbooks.builders import FIGURES, annual_workbook, bulletin_workbook


class BadPeriod(Exception):
    """A month or year in the URL that is not one (shown as a friendly 400 page)."""


def _bad_period(request, message):
    return render(request, "reports/export_bad_period.html", {"message": message}, status=400)


def parse_month(text):
    try:
        period = figures.month_period(text)
    except ValueError as error:
        raise BadPeriod(str(error)) from None
    if period.start > timezone.localdate():
        raise BadPeriod(_("%(month)s has not begun yet: there are no figures for it.") % {"month": text})
    return period


def parse_year(text):
    try:
        period = figures.year_period(text)
    except ValueError as error:
        raise BadPeriod(str(error)) from None
    if period.start > timezone.localdate():
        raise BadPeriod(_("%(year)s has not begun yet: there are no figures for it.") % {"year": text})
    return period


class ReportScopeMixin(LoginRequiredMixin):
    """``self.station``: the station of ``?station=ID`` if it is one of the user's, else 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.station = None
        raw = request.GET.get("station", "").strip()
        if raw:
            if not raw.isdigit():
                raise Http404(_("No such station."))
            self.station = visible_or_404(Station.objects, request.user, pk=int(raw))
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadPeriod as error:
            return _bad_period(request, str(error))

    def station_query(self):
        return f"?station={self.station.pk}" if self.station else ""

    def log_export(self, what):
        suffix = f" · {self.station.short_name}" if self.station else ""
        access_log_record(request=self.request, action=AccessLog.Action.EXPORT, object_repr=f"{what}{suffix}")


def scope_name(user, station):
    """The station the figures speak of, when the scope is one station (for the summary)."""
    if station is not None:
        return station.name
    station_ids, county_ids = figures.scope_station_ids(user)
    if county_ids is None and station_ids is not None and len(station_ids) == 1:
        return Station.objects.get(pk=next(iter(station_ids))).name
    return None


class BulletinView(ReportScopeMixin, View):
    """/reports/bulletin/YYYY-MM.xlsx — the monthly bulletin 《浚县社工》."""

    def get(self, request, month):
        period = parse_month(month)
        wb = bulletin_workbook(user=request.user, period=period, station=self.station)
        self.log_export(_("Bulletin %(month)s") % {"month": month})
        suffix = f"-{self.station.short_name}" if self.station else ""
        return xlsx_response(wb, _("bulletin-%(month)s%(suffix)s.xlsx") % {"month": month, "suffix": suffix})


def annual_summary_for(user, period, station):
    values = figures.for_user(user, start=period.start, end=period.end, station=station)
    text = annual_summary(year=period.start.year, values=values, station_name=scope_name(user, station))
    return values, text


class AnnualWorkbookView(ReportScopeMixin, View):
    """/reports/annual/YYYY.xlsx — the annual report with its summary paragraph."""

    def get(self, request, year):
        period = parse_year(year)
        _values, text = annual_summary_for(request.user, period, self.station)
        wb = annual_workbook(user=request.user, period=period, station=self.station, summary=text)
        self.log_export(_("Annual report %(year)s") % {"year": year})
        suffix = f"-{self.station.short_name}" if self.station else ""
        return xlsx_response(wb, _("annual-report-%(year)s%(suffix)s.xlsx") % {"year": year, "suffix": suffix})


class AnnualView(ReportScopeMixin, TemplateView):
    """/reports/annual/YYYY/ — the year's summary paragraph, to copy into a Word document."""

    template_name = "reports/annual.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = parse_year(self.kwargs["year"])
        values, text = annual_summary_for(self.request.user, period, self.station)
        by_category = values["visited_clients_by_category"]
        # Each figure opens the list of exactly its records (hours: those of the trainings or
        # supervisions listed), as on the dashboard.
        urls = figure_urls(self.request.user, start=period.start, end=period.end,
                           station=self.station.pk if self.station else None)
        urls.update(training_hours=urls["trainings"], supervision_hours=urls["supervisions"])
        context.update(
            year=period.start.year, summary=text, station=self.station, station_query=self.station_query(),
            rows=[(f.label, f.value(values), f.number_format, urls.get(f.key), f.key) for f in FIGURES],
            categories=[(Category(code).label, count, urls[f"category:{code}"], code)
                        for code, count in by_category.items()],
            stations=Station.objects.visible_to(self.request.user).order_by("town__code"),
        )
        return context


def available_years(user):
    """From the year the first of the user's stations opened to this year, newest first."""
    today = timezone.localdate()
    first = Station.objects.visible_to(user).aggregate(first=Min("opened_on"))["first"]
    if first is None:
        return []
    return list(range(today.year, max(first.year, figures.MIN_YEAR) - 1, -1))


class ReportsIndexView(ReportScopeMixin, TemplateView):
    """/reports/ — the bulletins and annual reports the user can download."""

    template_name = "reports/reports_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first_station = Station.objects.visible_to(self.request.user).aggregate(first=Min("opened_on"))["first"]
        years = []
        for year in available_years(self.request.user):
            months = [
                {"number": month, "code": f"{year}-{month:02d}"}
                for month in range(12, 0, -1)
                if (year, month) <= (today.year, today.month)
                and (year, month) >= (first_station.year, first_station.month)
            ]
            years.append({"year": year, "months": months, "current": year == today.year})
        context.update(
            years=years, station=self.station, station_query=self.station_query(),
            stations=Station.objects.visible_to(self.request.user).order_by("town__code"),
            can_export=self.request.user.has_perm(jobs.VisitDetailExport.permission),
        )
        return context


# --- large exports -----------------------------------------------------------------------------
