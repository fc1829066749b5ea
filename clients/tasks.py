"""The clients' Celery tasks (config/celery.py): big roster imports and the purge of old
import previews."""

from celery import shared_task
from django.conf import settings

from portal.jobs import TRANSIENT, Busy

from . import jobs, roster


@shared_task(bind=True, name="clients.roster_import", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, max_retries=8)
def roster_import(self, job_id):
    """Run one roster import job (clients.jobs); idempotent: the job's claim and its one
    transaction make a second delivery import nothing twice."""
    try:
        jobs.roster_job_run(job_id)
    except Busy:
        if self.request.is_eager:  # in-process (no broker): the live run finishes it; no retry loop here
            return
        raise self.retry(countdown=settings.BACKGROUND_JOB_STALE_SECONDS, max_retries=None) from None


@shared_task(name="clients.roster_previews_purge")
def roster_previews_purge():
    """Delete uncommitted import previews older than ROSTER_PREVIEW_TTL_HOURS (beat entry
    "roster-previews-purge"); returns how many files went."""
    return roster.purge_previews(roster.import_dir())
