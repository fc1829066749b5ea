"""Large exports as background jobs (PERFORMANCE.md: "large exports in a background job").

Starting an export (``export_job_start``) writes a ``reports.models.ExportJob`` row and
returns at once. A worker then claims the job, streams the rows from the database into an
openpyxl write-only workbook, updates the job's progress every few thousand rows, and saves
the file; the user watches the progress bar on /reports/exports/ and downloads the file
there when the job is done.

Two ways to run the workers, chosen by the setting ``EXPORT_JOBS_WORKER``:

- ``"thread"`` (the default): each job runs in a thread of the web process that started it,
  after the request's transaction commits. Nothing else to deploy.
- ``"command"``: jobs wait in the queue for a separate worker process,
  ``python manage.py run_export_jobs`` (``--once`` empties the queue and exits; without it
  the command keeps polling). Use it when web processes are recycled often (gunicorn
  ``max_requests``) or on several machines.

Either way a job is claimed with a conditional UPDATE, so two workers never run the same job.
A job runs with its owner's scope, checked again when it runs.
"""

import logging
import os
import tempfile
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from portal.xlsx import write_sheet
from reports.models import ExportJob
from services.models import Visit
from services.tables import VisitTable
from stations.models import Station

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000  # rows between two progress updates
CHUNK_SIZE = 2000      # rows fetched from the database at a time
FIRST_YEAR = 2000


class VisitDetailExport:
    """Every visit of a year in the user's scope (探访明细), for auditors: one row per visit."""

    kind = "visit_detail"
    label = gettext_lazy("Visit details")
    permission = "services.view_visit"

    @staticmethod
    def clean_params(user, params):
        """The job's parameters: ``year`` and an optional ``station`` of the user's scope."""
        try:
            year = int(params.get("year"))
        except (TypeError, ValueError):
            raise ValidationError({"year": _("Choose a year.")}) from None
        if not FIRST_YEAR <= year <= timezone.localdate().year:
            raise ValidationError({"year": _("Choose a year between %(first)s and %(last)s.") % {
                "first": FIRST_YEAR, "last": timezone.localdate().year}})
        cleaned = {"year": year}
        station = params.get("station")
        if station not in (None, ""):
            try:
                station = Station.objects.visible_to(user).get(pk=int(station))
            except (TypeError, ValueError, Station.DoesNotExist):
                raise ValidationError({"station": _("Choose one of your stations.")}) from None
            cleaned["station"] = station.pk
            cleaned["station_name"] = station.short_name
        return cleaned

    @staticmethod
    def describe(params):
        return _("Visit details %(year)s") % {"year": params["year"]}

    def queryset(self, user, params):
        visits = Visit.objects.visible_to(user).filter(visited_on__year=params["year"])
        if params.get("station"):
            visits = visits.filter(station=params["station"])
        return visits

    # The columns are the visits table's background columns (services.tables.VisitTable,
    # ``background=True``), read from ``values_list(*fields)`` tuples; ID numbers are masked
    # unless the role may see them.
    @property
    def fields(self):
        return VisitTable().values_columns()[0]

    def columns(self, user):
        return VisitTable(user=user).values_columns()[1]

    def write(self, job, user, progress):
        """Write the workbook to a temporary file; returns (path, filename)."""
        params = job.params
        visits = self.queryset(user, params)
        total = visits.count()
        progress(0, total)
        rows = visits.order_by("visited_on", "id").values_list(*self.fields).iterator(chunk_size=CHUNK_SIZE)
        wb = Workbook(write_only=True)
        write_sheet(wb, str(_("Visits"))[:25], self.columns(user), _counting(rows, progress, total))
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        wb.save(path)
        suffix = f"-{Station.objects.get(pk=params['station']).short_name}" if params.get("station") else ""
        return path, f"{_('visit-details')}-{params['year']}{suffix}-{job.pk}.xlsx"


def _counting(rows, progress, total):
    """Pass the rows through, reporting progress every PROGRESS_EVERY rows."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    progress(done, total)


KINDS = {VisitDetailExport.kind: VisitDetailExport()}


def export_kind(kind):
    return KINDS[kind]


def export_job_start(*, user, kind, params):
    """Queue an export for ``user``; it runs in the background (see the module docstring)."""
    exporter = KINDS.get(kind)
    if exporter is None:
        raise ValidationError(_("Unknown export."))
    if not user.has_perm(exporter.permission):
        raise ValidationError(_("You may not run this export."))
    cleaned = exporter.clean_params(user, params)
    cleaned["language"] = translation.get_language() or settings.LANGUAGE_CODE
    job = ExportJob.objects.create(user=user, kind=kind, params=cleaned)
    if worker_mode() == "thread":
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def worker_mode():
    return getattr(settings, "EXPORT_JOBS_WORKER", "thread")


def start_thread(job_id):
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), name=f"export-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id):
    close_old_connections()
    try:
        export_job_run(job_id)
    finally:
        connection.close()


def export_job_claim(job_id=None):
    """Mark a queued job as running and return it; None if there is none (or another worker
    took it first)."""
    queued = ExportJob.objects.filter(status=ExportJob.Status.QUEUED)
    candidates = [job_id] if job_id is not None else list(queued.order_by("created_at", "id").values_list("pk", flat=True)[:5])
    for pk in candidates:
        if queued.filter(pk=pk).update(status=ExportJob.Status.RUNNING, done=0):
            return ExportJob.objects.select_related("user").get(pk=pk)
    return None


def export_job_run(job_id):
    """Claim and run one job. Returns the job (None if it was not queued)."""
    job = export_job_claim(job_id)
    if job is None:
        return None
    return _run(job)


def _run(job):
    user = job.user  # fetched now: the scope and permissions are those of today, not of the request

    def progress(done, total):
        job.done, job.total = done, total
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        exporter = KINDS[job.kind]
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            if not user.is_active or not user.has_perm(exporter.permission):
                raise PermissionError(_("You may no longer run this export."))
            path, filename = exporter.write(job, user, progress)
        try:
            with open(path, "rb") as handle:
                job.file.save(filename, File(handle), save=False)
        finally:
            os.unlink(path)
        job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "finished_at", "done", "total"])
    except Exception as error:  # the job fails; the worker (and the web process) carry on
        logger.exception("export job %s failed", job.pk)
        job.status = ExportJob.Status.FAILED
        job.finished_at = timezone.now()
        job.error = (str(error) if isinstance(error, PermissionError) else _("The export failed; try again."))[:300]
        job.save(update_fields=["status", "finished_at", "error"])
    return job


def export_jobs_run_queued():
    """Run queued jobs one after the other until the queue is empty; returns how many ran."""
    count = 0
    while (job := export_job_claim()) is not None:
        _run(job)
        count += 1
    return count
