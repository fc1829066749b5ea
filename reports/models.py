"""Pre-aggregated figures (PERFORMANCE.md: dashboards read rollups, never raw counts per request).

One row per (station, month) and per (station, year) holds the station-level keys of SPEC §3
for that period. The additive keys (visits, amount, cases, groups, activities, people served,
supervisions and their hours, station evaluations, volunteer hours) add up across stations and
months; the distinct counts (visited clients by category, volunteers) add up across stations
(a visit is at its client's own station, a volunteer serves at their own) but NOT across
months, so the year cells are computed for the year itself, never summed from months.

Cells are marked dirty by the receivers in ``reports.receivers`` whenever a record that feeds
them is saved or deleted (late-entered and edited visits included) and recomputed, for just
the touched cells, the next time a figure is read (``reports.figures``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet
from stations.models import Station


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class StationPeriodFigures(models.Model):
    """The station-level figures of one station for one month or one year (统计汇总)."""

    scope_field = "station"

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("period kind"), max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    visits = models.PositiveIntegerField(_("visits"), default=0)
    resources_linked_amount = models.DecimalField(_("resources linked (yuan)"), max_digits=14, decimal_places=2,
                                                  default=0)
    casework = models.PositiveIntegerField(_("cases opened"), default=0)
    groupwork = models.PositiveIntegerField(_("groups started"), default=0)
    community_activities = models.PositiveIntegerField(_("community activities"), default=0)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    # Distinct clients visited in the period who held the category on the visit date.
    visited_subsistence_allowance = models.PositiveIntegerField(default=0)
    visited_extreme_poverty = models.PositiveIntegerField(default=0)
    visited_children_in_distress = models.PositiveIntegerField(default=0)
    visited_disability = models.PositiveIntegerField(default=0)
    visited_left_behind_elderly = models.PositiveIntegerField(default=0)
    visited_empty_nest_elderly = models.PositiveIntegerField(default=0)
    visited_other = models.PositiveIntegerField(default=0)
    # Records of the station dated in the period (training's supervisions and evaluations,
    # services' volunteer service): kept like the others so a dashboard reads one cell range
    # instead of three raw aggregates (make bench, crawl_worst_page). ``volunteers`` is distinct
    # in the period: it adds up across stations, not across months.
    supervisions = models.PositiveIntegerField(_("supervisions"), default=0)
    supervision_hours = models.DecimalField(_("supervision hours"), max_digits=10, decimal_places=1, default=0)
    station_evaluations = models.PositiveIntegerField(_("station evaluations"), default=0)
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    volunteer_hours = models.DecimalField(_("volunteer hours"), max_digits=10, decimal_places=1, default=0)
    # A write to a record of this cell sets ``dirty`` and bumps ``version``; a refresh clears
    # ``dirty`` only if ``version`` is still the one it read (a concurrent write keeps it dirty).
    dirty = models.BooleanField(default=True, db_index=True)
    version = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # When a write last marked the cell: a cell dirty for long means the background refresher
    # is not running (reports.figures.STALE_AFTER).
    marked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "period_start", "station"]
        verbose_name = _("station figures")
        verbose_name_plural = _("station figures")
        constraints = [
            models.UniqueConstraint(fields=["station", "kind", "period_start"], name="stationperiodfigures_unique"),
        ]
        indexes = [models.Index(fields=["kind", "period_start", "station"], name="figures_period_idx")]

    def __str__(self):
        return f"{self.station_id} {self.kind} {self.period_start:%Y-%m}"


class VisitedClient(models.Model):
    """One person behind a cell's ``visited_<category>`` figure: a client visited at ``station``
    in the period who held ``category`` on the date of such a visit (SPEC §3).

    Kept with the cell (rewritten when the cell is recomputed), so the list behind a category
    figure, "clients visited in the period" (``clients.filters``), reads these rows instead of
    joining a year of visits with the memberships: that join took 740-854 ms for a county bureau
    at city scale (``make bench``'s crawl row, docs/scaling.md), these rows an index range."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField()
    category = models.CharField(max_length=24)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="visited_cells",
                               db_index=False)

    class Meta:
        verbose_name = _("visited client of a figure")
        verbose_name_plural = _("visited clients of the figures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "category", "station", "client"],
                                    name="visitedclient_unique"),
        ]
        # The unique index serves the list (kind, period, category, stations → clients); this one
        # serves deleting a client (the cascade) and rewriting one station's rows.
        indexes = [models.Index(fields=["client"], name="visitedclient_client_idx"),
                   models.Index(fields=["station", "kind", "period_start"], name="visitedclient_cell_idx")]

    def __str__(self):
        return f"{self.station_id} {self.kind} {self.period_start:%Y-%m} {self.category} {self.client_id}"


class EverVisitedClient(models.Model):
    """One person behind any kept year's ``visited_<category>`` figure of ``station``: the year
    rows of ``VisitedClient`` made distinct, rewritten with them (``figures.store_visited``).

    The registry's "visited ever while holding the category" list (``?visited_category=`` with no
    dates, ``clients.filters``) reads these rows instead of every year's: a county's 低保 of five
    kept years is 40,000 year rows made distinct again for 14,000 people on every page and count
    (make bench's crawl, docs/scaling.md)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.CharField(max_length=24)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("client visited in a kept year")
        verbose_name_plural = _("clients visited in the kept years")
        # the unique index serves the list (category, stations → clients); the others deleting a
        # client (the cascade) and rewriting one station's rows
        constraints = [models.UniqueConstraint(fields=["category", "station", "client"], name="evervisited_unique")]
        indexes = [models.Index(fields=["client"], name="evervisited_client_idx"),
                   models.Index(fields=["station"], name="evervisited_station_idx")]

    def __str__(self):
        return f"{self.station_id} {self.category} {self.client_id}"


class ExportJob(models.Model):
    """A large export running in the background (大数据导出任务): progress, then a file to download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The task engine's bookkeeping (reports.exports.jobs): when the job's message was handed to
    # the broker (None: not yet — the queue was unavailable), which run of the job is the
    # current one (a run that was taken over cannot finish it) and when that run last reported.
    sent_at = models.DateTimeField(_("sent to the queue"), null=True, blank=True)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last report"), null=True, blank=True)

    class Meta:
        db_table = "stations_exportjob"
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self):
        return 100 if self.status == self.Status.DONE else (int(self.done * 100 / self.total) if self.total else 0)
