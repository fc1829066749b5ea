"""Large exports as background jobs (PERFORMANCE.md: "large exports in a background job").

Starting an export (``export_job_start``) writes a ``reports.models.ExportJob`` row and, once
the request's transaction commits, sends the Celery task ``reports.export`` (reports/tasks.py,
queue ``jobs``). A worker then claims the job, streams the rows from the database into an
openpyxl write-only workbook, updates the job's progress every few thousand rows, and saves
the file; the user watches the progress bar on /reports/exports/ and downloads the file
there when the job is done, whichever worker ran it.

- **Broker down**: the job stays queued with ``sent_at`` empty and the page says the queue is
  unavailable; the beat entry ``jobs-requeue`` (``jobs_requeue``) sends it when Redis is back.
- **Worker killed** (SIGKILL, OOM, a reboot): the message was not acknowledged (``acks_late``),
  so the broker hands it to another worker after the visibility timeout. That worker takes the
  job over once its last progress report is older than ``BACKGROUND_JOB_STALE_SECONDS``; a run
  that was taken over can no longer report or finish (its ``attempt`` is no longer the job's),
  and only the current run's file is kept: exactly one file per job.
- **Eager mode** (no broker configured): the task runs in the process that sends it, after the
  commit of the request that started it (README "Background work").

A job runs with its owner's scope and permissions as they are when it runs.
"""

import datetime
import logging
import os
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from portal.jobs import TRANSIENT, Superseded, current_run, job_claim, job_send, progress_reporter
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
    transaction.on_commit(lambda: export_job_send(job))
    return job


def export_job_send(job):
    """Hand the job to the task ``reports.export`` (False: the queue is unavailable for now)."""
    from reports.tasks import run_export  # the task module imports this one

    return job_send(run_export, job)


def export_job_retry(*, user, job):
    """The owner runs a failed job again (same parameters, scope checked when it runs)."""
    if job.user_id != user.pk:
        raise ValidationError(_("This is not your export."))
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).update(
        status=ExportJob.Status.QUEUED, error="", done=0, total=0, finished_at=None, sent_at=None)
    if not updated:
        raise ValidationError(_("Only a failed export can be run again."))
    job.refresh_from_db()
    transaction.on_commit(lambda: export_job_send(job))
    return job


def export_job_run(job_id):
    """Claim and run one job. Returns the job (None if there was nothing to run); raises
    ``Busy`` while another worker runs it."""
    attempt = job_claim(ExportJob, job_id)
    if attempt is None:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    return _run(job, attempt)


def _run(job, attempt):
    user = job.user  # fetched now: the scope and permissions are those of today, not of the request
    current = current_run(ExportJob, job.pk, attempt)
    progress = progress_reporter(ExportJob, job, attempt)

    name = None
    try:
        exporter = KINDS[job.kind]
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            if not user.is_active or not user.has_perm(exporter.permission):
                raise PermissionError(_("You may no longer run this export."))
            path, filename = exporter.write(job, user, progress)
        try:
            with open(path, "rb") as handle:
                name = job.file.storage.save(job.file.field.generate_filename(job, filename), File(handle))
        finally:
            os.unlink(path)
        finished = timezone.now()
        if not current.update(status=ExportJob.Status.DONE, file=name, finished_at=finished,
                              done=job.done, total=job.total):
            raise Superseded(job.pk)
        job.status, job.file.name, job.finished_at = ExportJob.Status.DONE, name, finished
    except Superseded:
        logger.warning("export job %s: taken over by another run; this run's work is dropped", job.pk)
        if name:
            job.file.storage.delete(name)
    except TRANSIENT:
        if name:
            job.file.storage.delete(name)
        current.update(status=ExportJob.Status.QUEUED)  # best effort: the database may be away
        raise  # the task retries with backoff
    except Exception as error:  # the job fails; the worker carries on
        logger.exception("export job %s failed", job.pk)
        if name:
            job.file.storage.delete(name)
        job.status = ExportJob.Status.FAILED
        job.finished_at = timezone.now()
        job.error = (str(error) if isinstance(error, PermissionError) else _("The export failed; try again."))[:300]
        current.update(status=job.status, finished_at=job.finished_at, error=job.error)
    return job


def export_files_expire():
    """Delete the files of exports finished more than EXPORT_FILE_DAYS ago (the rows stay: the
    page shows the file as expired). Returns how many files went."""
    before = timezone.now() - datetime.timedelta(days=settings.EXPORT_FILE_DAYS)
    count = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=before).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count
