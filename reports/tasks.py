"""The reports' Celery tasks (config/celery.py): the large exports and the beat entries of the
figures rollup, the export files' expiry and the re-sending of jobs the broker never got.

Every task is idempotent: an export is claimed by a conditional UPDATE (a second delivery of
the same message runs nothing, or takes over a dead run), the refresh recomputes only what is
dirty, the expiry and the re-send look at the rows as they are.
"""

import logging

from celery import shared_task
from django.conf import settings

from clients import jobs as roster_jobs
from clients.models import RosterImportJob
from portal.jobs import TRANSIENT, Busy, jobs_to_resend
from reports import figures
from reports.exports import jobs
from reports.models import ExportJob

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="reports.export", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, max_retries=8)
def run_export(self, job_id):
    """Run one export job (reports.exports.jobs). While another live worker has it, look again
    once its run would count as dead."""
    try:
        jobs.export_job_run(job_id)
    except Busy:
        if self.request.is_eager:  # in-process (no broker): the live run finishes it; no retry loop here
            return
        raise self.retry(countdown=settings.BACKGROUND_JOB_STALE_SECONDS, max_retries=None) from None


@shared_task(name="reports.figures_refresh")
def figures_refresh():
    """Recompute the rollup cells that writes marked dirty (beat entry "figures-refresh")."""
    count = figures.refresh_all_dirty()
    if count:
        logger.info("figures: recomputed %s dirty cell(s)", count)
    return count


@shared_task(name="reports.export_files_expire")
def export_files_expire():
    """Delete finished exports' files older than EXPORT_FILE_DAYS (beat entry "export-files-expire")."""
    return jobs.export_files_expire()


@shared_task(name="reports.jobs_requeue")
def jobs_requeue():
    """Send again the export and roster-import jobs the broker never got (it was down when they
    were started) or lost (beat entry "jobs-requeue"). Returns how many were sent."""
    count = 0
    for job in jobs_to_resend(ExportJob):
        count += jobs.export_job_send(job)
    for job in jobs_to_resend(RosterImportJob):
        count += roster_jobs.roster_job_send(job)
    return count


@shared_task(name="reports.notices_daily")
def notices_daily():
    """The day's in-app notifications and the e-mail digest (issue 16; beat entry
    "notifications-daily", every morning at 06:30 Asia/Shanghai). Idempotent: one notice per
    user and thing however often it runs (``reports.notices``)."""
    from reports import notices  # the producers read every app; imported when the task runs

    return notices.run_daily()
