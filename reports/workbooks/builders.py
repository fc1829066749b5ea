"""The bulletin 《浚县社工》 and the annual report as .xlsx workbooks.

Every figure in them comes from ``reports.figures`` (SPEC §3): this module only lays the
figures out and lists the records that illustrate them (featured activities, cases,
trainings, supervisions), all through the user's scope. Cells go through
``portal.xlsx.safe_cell``, so text beginning with = + - @ is stored as text.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from clients.choices import Category
from portal.xlsx import HEADER_FILL, safe_cell
from services.models import Activity, Case
from stations.models import Station
from training.models import Supervision, Training, TrainingAttendance

from .. import figures
from ..models import PeriodKind

INT = "#,##0"
YUAN = "#,##0.00"
HOURS = "#,##0.0"
TEXT = "@"

TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, size=9, color="595959")
BOLD = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROW = 3  # title, subtitle, then the header row that is frozen and repeated on every page


@dataclass(frozen=True)
class Figure:
    """One figure of SPEC §3 as the workbooks show it."""

    key: str
    label: object
    number_format: str = INT

    def value(self, figures_dict):
        value = figures_dict[self.key]
        if self.number_format == YUAN:
            return Decimal(str(value))
        if self.number_format == HOURS:
            return Decimal(str(value))
        return value


FIGURES = [
    Figure("stations", gettext_lazy("Stations in operation")),
    Figure("social_workers", gettext_lazy("Social workers (people)")),
    Figure("visits", gettext_lazy("Number of visits")),
    Figure("resources_linked_amount", gettext_lazy("Resources linked (yuan)"), YUAN),
    Figure("casework", gettext_lazy("Casework opened")),
    Figure("groupwork", gettext_lazy("Group work started")),
    Figure("community_activities", gettext_lazy("Community activities held")),
    Figure("people_served", gettext_lazy("People served (person-times)")),
    Figure("trainings", gettext_lazy("Trainings held")),
    Figure("training_hours", gettext_lazy("Training hours (total)"), HOURS),
    Figure("supervisions", gettext_lazy("Supervisions held")),
    Figure("supervision_hours", gettext_lazy("Supervision hours (total)"), HOURS),
    Figure("station_evaluations", gettext_lazy("Station evaluations held")),
    Figure("volunteers", gettext_lazy("Volunteers who served (people)")),
    Figure("volunteer_hours", gettext_lazy("Volunteer hours (total)"), HOURS),
]
FIGURE = {figure.key: figure for figure in FIGURES}
# The per-station sheet: the station-level figures (trainings belong to the county).
STATION_FIGURES = [FIGURE[key] for key in (
    "social_workers", "visits", "resources_linked_amount", "casework", "groupwork", "community_activities",
    "people_served", "supervisions", "supervision_hours", "station_evaluations", "volunteers", "volunteer_hours",
)]
TRAINING_FIGURES = [FIGURE[key] for key in (
    "trainings", "training_hours", "supervisions", "supervision_hours", "station_evaluations",
)]
CATEGORIES = list(Category)


def period_label(period):
    """"2023-11" for a month, "2023" for a year (and "2023-01-01 – 2023-06-30" otherwise)."""
    if period.kind == PeriodKind.MONTH:
        return date_format(period.start, "YEAR_MONTH_FORMAT")
    if period.kind == PeriodKind.YEAR:
        return str(period.start.year)
    return f"{period.start.isoformat()} – {period.end.isoformat()}"


def year_to_date(period):
    return figures.Period(period.start.replace(month=1, day=1), period.end)


@dataclass
class ReportScope:
    """Whose figures a workbook shows: the user's stations, or one of them."""

    user: object
    station: Station | None = None

    def stations(self):
        stations = Station.objects.visible_to(self.user).select_related("county", "county__parent")
        if self.station is not None:
            stations = stations.filter(pk=self.station.pk)
        return stations.order_by("town__code")

    def figures(self, period):
        return figures.for_user(self.user, start=period.start, end=period.end, station=self.station)

    def by_station(self, stations, period):
        """[(station, figures)] for each station, in one go (``figures.by_station``)."""
        values = figures.by_station(station_ids=[s.pk for s in stations], start=period.start, end=period.end)
        return [(station, values[station.pk]) for station in stations]

    def area_name(self, stations):
        """The county the workbook is about (or the city, if the user sees several counties)."""
        counties = {s.county_id: s.county for s in stations}
        if len(counties) == 1:
            return next(iter(counties.values())).name
        parents = {c.parent_id: c.parent for c in counties.values()}
        if len(parents) == 1 and None not in parents:
            return next(iter(parents.values())).name
        return _("All counties")

    def description(self, stations):
        if self.station is not None:
            return self.station.name
        return _("%(count)s stations") % {"count": len(stations)}


# --- sheet writing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    header: object
    width: int = 12
    number_format: str | None = None
    wrap: bool = False


class SheetWriter:
    """A titled table on its own worksheet: title row, subtitle row, frozen header row,
    rows, and a print setup of A4 landscape fitted to the page width."""

    def __init__(self, wb, title, heading, subtitle, columns, *, freeze_column=1):
        self.ws = wb.create_sheet(title=title[:31])
        self.columns = columns
        ws = self.ws
        ws.append([safe_cell(ws, heading, font=TITLE_FONT)])
        ws.append([safe_cell(ws, subtitle, font=NOTE_FONT)])
        last = get_column_letter(len(columns))
        ws.merge_cells(f"A1:{last}1")
        ws.merge_cells(f"A2:{last}2")
        ws.row_dimensions[1].height = 24
        ws.append([
            safe_cell(ws, col.header, font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BORDER) for col in columns
        ])
        ws.row_dimensions[HEADER_ROW].height = 30  # room for a wrapped two-line header
        for index, col in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = col.width
        ws.freeze_panes = f"{get_column_letter(freeze_column + 1)}{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "&P / &N"

    def row(self, values, *, total=False, number_format=None):
        """One table row; ``number_format`` overrides the columns' formats after the first."""
        ws = self.ws
        cells = []
        for index, (col, value) in enumerate(zip(self.columns, values, strict=True)):
            style = {"border": BORDER}
            fmt = number_format if number_format and index else col.number_format
            if fmt:
                style["number_format"] = fmt
            if col.wrap:
                style["alignment"] = WRAP
            if total:
                style.update(font=BOLD, fill=TOTAL_FILL)
            cells.append(safe_cell(ws, value, **style))
        ws.append(cells)

    def note(self, text):
        ws = self.ws
        ws.append([])
        ws.append([safe_cell(ws, text, font=NOTE_FONT)])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(self.columns))
        ws.cell(row=row, column=1).alignment = WRAP
        ws.row_dimensions[row].height = 30

    def empty(self, text):
        ws = self.ws
        ws.append([safe_cell(ws, text, font=NOTE_FONT)])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(self.columns))


# --- the workbooks ----------------------------------------------------------------------------

class ReportWorkbook:
    """The sheets shared by the bulletin and the annual report."""

    def __init__(self, scope: ReportScope, period: figures.Period):
        self.scope = scope
        self.period = period
        self.stations = list(scope.stations())
        self.area = scope.area_name(self.stations) if self.stations else _("No stations")
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.generated = timezone.localtime()

    @property
    def heading(self):
        raise NotImplementedError

    def subtitle(self, sheet_title):
        return _("%(sheet)s · %(scope)s · generated %(at)s") % {
            "sheet": sheet_title, "scope": self.scope.description(self.stations),
            "at": self.generated.strftime("%Y-%m-%d %H:%M"),
        }

    def sheet(self, title, columns, **kwargs):
        return SheetWriter(self.wb, title, self.heading, self.subtitle(title), columns, **kwargs)

    def per_station_figures(self):
        return self.scope.by_station(self.stations, self.period)

    def stations_sheet(self, per_station, totals):
        title = _("Per-station figures")
        columns = [Col(_("Station"), 26)] + [Col(f.label, 12, f.number_format) for f in STATION_FIGURES]
        sheet = self.sheet(title, columns)
        for station, values in per_station:
            sheet.row([station.name] + [f.value(values) for f in STATION_FIGURES])
        sheet.row([_("Total")] + [f.value(totals) for f in STATION_FIGURES], total=True)
        sheet.note(_("Period: %(start)s to %(end)s. People served counts person-times: visits, activity "
                     "participants, group-session attendances and case service notes.") % {
            "start": self.period.start.isoformat(), "end": self.period.end.isoformat()})

    def categories_sheet(self, per_station, totals):
        title = _("Clients by category")
        columns = [Col(_("Station"), 26)] + [Col(c.label, 11, INT) for c in CATEGORIES]
        sheet = self.sheet(title, columns)
        for station, values in per_station:
            by_category = values["visited_clients_by_category"]
            sheet.row([station.name] + [by_category[c.value] for c in CATEGORIES])
        by_category = totals["visited_clients_by_category"]
        sheet.row([_("All stations (each person once)")] + [by_category[c.value] for c in CATEGORIES], total=True)
        sheet.note(_("Distinct people visited in the period who held the category on the visit date. A person "
                     "in two categories counts in both, so the categories do not add up to the number of "
                     "people visited."))

    def training_sheet(self, period_columns):
        """Training and supervision: the figures for each period, then the period's records."""
        title = _("Training and supervision")
        columns = [Col(_("Date"), 12), Col(_("Kind"), 8), Col(_("Topic"), 34, wrap=True),
                   Col(_("Station / organiser"), 22, wrap=True), Col(_("Mode / format"), 12),
                   Col(_("People"), 18, wrap=True), Col(_("Hours"), 8, HOURS)]
        sheet = self.sheet(title, columns, freeze_column=0)
        ws = sheet.ws
        for label, values in period_columns:
            parts = "; ".join(f"{f.label} {_format_number(f.value(values), f.number_format)}" for f in TRAINING_FIGURES)
            ws.append([safe_cell(ws, f"{label}: {parts}", font=BOLD)])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(columns))
        for training in self.trainings():
            sheet.row([training.held_on, _("Training"), training.topic, str(training.organiser),
                       training.get_format_display(), training.trainer_names, training.hours])
        for supervision in self.supervisions():
            sheet.row([supervision.supervised_on, _("Supervision"), supervision.topic, supervision.station.name,
                       supervision.get_mode_display(),
                       f"{supervision.supervisor_name} ({supervision.supervisor_kind})", supervision.hours])

    def trainings(self):
        """The trainings the figures count: the counties' for a county-wide scope, else those
        attended by staff of the scope's stations (see ``reports.figures``)."""
        station_ids, county_ids = figures.scope_station_ids(self.scope.user, self.scope.station)
        trainings = Training.objects.visible_to(self.scope.user).in_period(self.period.start, self.period.end)
        if county_ids is not None:
            trainings = trainings.filter(county__in=sorted(county_ids))
        elif station_ids is not None:
            trainings = trainings.filter(pk__in=TrainingAttendance.objects.filter(
                staff__station__in=sorted(station_ids)).values("training"))
        return trainings.select_related("organiser").prefetch_related("trainers", "expert_trainers").order_by(
            "held_on", "id")

    def supervisions(self):
        supervisions = Supervision.objects.visible_to(self.scope.user).filter(
            supervised_on__gte=self.period.start, supervised_on__lte=self.period.end)
        if self.scope.station is not None:
            supervisions = supervisions.filter(station=self.scope.station)
        return supervisions.select_related(
            "station", "supervisor_staff", "supervisor_expert").order_by("supervised_on", "id")

    def activities_sheet(self):
        title = _("Featured activities")
        columns = [Col(_("Date"), 12), Col(_("Station"), 24), Col(_("Activity"), 28, wrap=True),
                   Col(_("Participants"), 10, INT), Col(_("Highlight"), 70, wrap=True)]
        sheet = self.sheet(title, columns, freeze_column=0)
        activities = (
            Activity.objects.visible_to(self.scope.user)
            .filter(held_on__gte=self.period.start, held_on__lte=self.period.end).exclude(highlight="")
            .select_related("station").order_by("held_on", "id")
        )
        if self.scope.station is not None:
            activities = activities.filter(station=self.scope.station)
        written = 0
        for activity in activities:
            sheet.row([activity.held_on, activity.station.name, activity.title, activity.participant_count,
                       activity.highlight])
            written += 1
        if not written:
            sheet.empty(_("No featured activities in this period."))

    def cases_sheet(self):
        title = _("Case highlights")
        columns = [Col(_("Station"), 24), Col(_("Case"), 26, wrap=True), Col(_("Intake date"), 12),
                   Col(_("Stage"), 10), Col(_("Closing date"), 12), Col(_("Case summary"), 70, wrap=True)]
        sheet = self.sheet(title, columns, freeze_column=0)
        start, end = self.period.start, self.period.end
        cases = (
            Case.objects.visible_to(self.scope.user)
            .filter(Q(intake_on__gte=start, intake_on__lte=end) | Q(closed_on__gte=start, closed_on__lte=end))
            .select_related("station").order_by("intake_on", "id")
        )
        if self.scope.station is not None:
            cases = cases.filter(station=self.scope.station)
        written = 0
        for case in cases:
            closed_now = case.closed_on is not None and start <= case.closed_on <= end
            text = case.closure_note if closed_now and case.closure_note else (case.problem or case.goals)
            sheet.row([case.station.name, case.title, case.intake_on, case.get_stage_display(), case.closed_on,
                       text])
            written += 1
        if not written:
            sheet.empty(_("No cases opened or closed in this period."))

    def cover_rows(self, sheet, period_values):
        for figure in FIGURES:
            sheet.row([figure.label] + [figure.value(values) for values in period_values],
                      number_format=figure.number_format)
        for category in CATEGORIES:
            label = _("Visited: %(category)s") % {"category": category.label}
            sheet.row([label] + [values["visited_clients_by_category"][category.value] for values in period_values],
                      number_format=INT)


class BulletinWorkbook(ReportWorkbook):
    """《浚县社工》: the month's figures, the year to date, and the month's highlights."""

    @property
    def heading(self):
        return _("《%(area)s Social Work》 %(month)s") % {"area": self.area, "month": period_label(self.period)}

    def build(self):
        month = self.scope.figures(self.period)
        ytd = self.scope.figures(year_to_date(self.period))
        cover = self.sheet(_("Cover"), [Col(_("Figure"), 34), Col(_("This month"), 16, INT),
                                        Col(_("Year to date"), 16, INT)])
        self.cover_rows(cover, [month, ytd])
        cover.note(_("Year to date: %(start)s to %(end)s.") % {
            "start": self.period.start.replace(month=1).isoformat(), "end": self.period.end.isoformat()})
        per_station = self.per_station_figures()
        self.stations_sheet(per_station, month)
        self.categories_sheet(per_station, month)
        self.training_sheet([(_("This month"), month), (_("Year to date"), ytd)])
        self.activities_sheet()
        self.cases_sheet()
        return self.wb


class AnnualWorkbook(ReportWorkbook):
    """The annual report: the year's figures, month by month, per station, and the summary."""

    def __init__(self, scope, period, summary):
        super().__init__(scope, period)
        self.summary = summary

    @property
    def heading(self):
        return _("%(area)s social work annual report %(year)s") % {"area": self.area, "year": self.period.start.year}

    def build(self):
        year = self.scope.figures(self.period)
        cover = self.sheet(_("Cover"), [Col(_("Figure"), 34), Col(_("Year"), 16, INT)])
        self.cover_rows(cover, [year])
        self.summary_rows(cover)
        self.months_sheet()
        per_station = self.per_station_figures()
        self.stations_sheet(per_station, year)
        self.categories_sheet(per_station, year)
        self.training_sheet([(_("Year"), year)])
        self.activities_sheet()
        self.cases_sheet()
        return self.wb

    def summary_rows(self, cover):
        ws = cover.ws
        ws.append([])
        ws.append([safe_cell(ws, _("Summary"), font=BOLD)])
        ws.append([safe_cell(ws, self.summary, alignment=WRAP)])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(cover.columns))
        ws.row_dimensions[row].height = 15 * max(4, len(self.summary) // 28 + 1)

    def months_sheet(self):
        columns = [Col(_("Month"), 12)] + [Col(f.label, 12, f.number_format) for f in FIGURES if f.key != "stations"]
        sheet = self.sheet(_("Month by month"), columns)
        today = timezone.localdate()
        for month in range(1, 13):
            period = figures.month_period(datetime.date(self.period.start.year, month, 1))
            if period.start > today:
                break
            values = self.scope.figures(period)
            sheet.row([period_label(period)] + [f.value(values) for f in FIGURES if f.key != "stations"])


def _format_number(value, number_format):
    if number_format == YUAN:
        return f"{value:,.2f}"
    if number_format == HOURS:
        return f"{value:,.1f}"
    return f"{value:,}"


def bulletin_workbook(*, user, period, station=None):
    """The bulletin of the month ``period`` (``figures.month_period``) for the user's scope."""
    return BulletinWorkbook(ReportScope(user, station), period).build()


def annual_workbook(*, user, period, station=None, summary=""):
    """The annual report of the year ``period`` (``figures.year_period``) for the user's scope."""
    return AnnualWorkbook(ReportScope(user, station), period, summary).build()
