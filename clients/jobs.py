"""Big roster imports as background jobs (issue 15): a commit of more than
``settings.ROSTER_BACKGROUND_ROWS`` rows is a ``RosterImportJob`` run by the Celery task
``clients.roster_import`` (clients/tasks.py, queue ``jobs``), with progress, instead of inside
the request.

A run reads the stored upload, checks every row outside any transaction, reporting progress
(the bar on /clients/import/jobs/<id>/), then checks again and writes the whole file inside
ONE transaction that also marks the job done — an import interrupted half-way (a killed
worker, a lost database) writes nothing, and the job's next run starts over. The job row is
locked in that transaction and must still belong to this run, so two runs never both import.
The owner's scope and permission are read when the job runs, not when it was queued.
"""

import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.jobs import TRANSIENT, Superseded, current_run, job_claim, job_send, progress_reporter

from . import roster
from .models import RosterImportJob

logger = logging.getLogger(__name__)
PERMISSION = "clients.add_client"


class JobRefused(Exception):
    """The job cannot run (the owner may no longer import, the file is gone): it fails with this reason."""


def roster_job_start(*, user, token, name, rows):
    """Queue the commit of the stored upload ``token`` (``rows`` rows, from its preview)."""
    job = RosterImportJob.objects.create(user=user, token=token, name=name[:255], total=rows)
    transaction.on_commit(lambda: roster_job_send(job))
    return job


def roster_job_send(job):
    """Hand the job to the task ``clients.roster_import`` (False: the queue is unavailable for now)."""
    from .tasks import roster_import  # the task module imports this one

    return job_send(roster_import, job)


def roster_job_retry(*, user, job):
    """The owner runs a failed import again (the stored upload must still be there)."""
    updated = RosterImportJob.objects.filter(pk=job.pk, user=user, status=RosterImportJob.Status.FAILED).update(
        status=RosterImportJob.Status.QUEUED, error="", done=0, finished_at=None, sent_at=None)
    if not updated:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Only a failed import can be run again."))
    job.refresh_from_db()
    transaction.on_commit(lambda: roster_job_send(job))
    return job


def stored_path(job):
    return roster.import_dir() / f"{job.user_id}-{job.token}.xlsx"


def roster_job_run(job_id):
    """Claim and run one import job; returns the job (None if there was nothing to run). Raises
    ``portal.jobs.Busy`` while another live worker runs it."""
    attempt = job_claim(RosterImportJob, job_id)
    if attempt is None:
        return None
    job = RosterImportJob.objects.select_related("user").get(pk=job_id)
    progress = progress_reporter(RosterImportJob, job, attempt)
    user = job.user
    path = stored_path(job)
    try:
        if not user.is_active or not user.has_perm(PERMISSION):
            raise JobRefused(_("You may no longer import rosters."))
        if not path.exists():
            raise JobRefused(_("The uploaded file is no longer available; upload it again."))
        rows = roster.read_rows(roster.StoredFile(path))
        progress(0, len(rows))
        roster.check(rows, user, progress=progress)  # the visible pass, outside the transaction
        progress(len(rows), len(rows))
        with transaction.atomic():
            # Still this run's job? (locked until the commit: a run that took over waits here)
            if not current_run(RosterImportJob, job.pk, attempt).select_for_update().exists():
                raise Superseded(job.pk)
            result = roster.commit_rows(rows, user)  # the authoritative check and every write
            job.counts = result.counts
            if result.committed:
                job.status, job.error = RosterImportJob.Status.DONE, ""
            else:
                job.status = RosterImportJob.Status.FAILED
                job.error = _("Nothing was imported: some rows have errors. Fix them and upload the file again.")
            job.finished_at = timezone.now()
            current_run(RosterImportJob, job.pk, attempt).update(
                status=job.status, error=job.error, counts=job.counts, finished_at=job.finished_at)
        if result.committed:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
        else:  # the preview shows the new verdicts
            path.with_suffix(".json").write_text(json.dumps({
                "name": job.name, "rows": [row.as_dict() for row in result.rows], "seconds": 0,
            }, ensure_ascii=False))
    except Superseded:
        logger.warning("roster import job %s: taken over by another run; this run stops", job.pk)
    except TRANSIENT:
        current_run(RosterImportJob, job.pk, attempt).update(status=RosterImportJob.Status.QUEUED)
        raise  # the task retries with backoff
    except Exception as error:  # the job fails with its reason; the worker carries on
        if not isinstance(error, JobRefused | roster.RosterFileError):
            logger.exception("roster import job %s failed", job.pk)
        reason = str(error) if isinstance(error, JobRefused) else (
            " ".join(error.messages) if isinstance(error, roster.RosterFileError) else _("The import failed; try again."))
        job.status, job.error, job.finished_at = RosterImportJob.Status.FAILED, reason[:300], timezone.now()
        current_run(RosterImportJob, job.pk, attempt).update(status=job.status, error=job.error,
                                                             finished_at=job.finished_at)
    return job
