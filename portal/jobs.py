"""The bookkeeping every background job row shares (an export, a big roster import), whichever
Celery worker runs it (docs/operations.md "Background work").

A job model has ``status`` (``Status.QUEUED/RUNNING/DONE/FAILED``), ``done``/``total``,
``sent_at`` (when its message went to the broker; None: not yet), ``attempt`` (which run is
the current one) and ``heartbeat_at`` (when that run last reported). ``job_send`` hands a job
to its task after the commit; ``job_claim`` makes a run the current one; ``jobs_to_resend``
finds what the broker never got.
"""

import datetime
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# The database went away: the task retries with backoff (``autoretry_for``).
TRANSIENT = (OperationalError, InterfaceError)


class Busy(Exception):
    """The job is being run by a live worker: try again later (the task retries)."""


class Superseded(Exception):
    """Another run took the job over (this one was thought dead): stop, leave no trace."""


def stale_before():
    return timezone.now() - datetime.timedelta(seconds=settings.BACKGROUND_JOB_STALE_SECONDS)


def job_send(task, job):
    """Send ``task(job.pk)`` to the broker. False (and ``job.sent_at`` None) if the broker cannot
    be reached: the job stays queued and the beat entry "jobs-requeue" sends it later. In eager
    mode (no broker) the task runs here and now."""
    model = type(job)
    now = timezone.now()
    model.objects.filter(pk=job.pk).update(sent_at=now)
    job.sent_at = now
    try:
        task.apply_async(args=[job.pk])
    except Exception:  # kombu's OperationalError, a refused connection, an unknown host …
        logger.warning("%s %s: the task queue is unavailable; it stays queued", model.__name__, job.pk, exc_info=True)
        model.objects.filter(pk=job.pk).update(sent_at=None)
        job.sent_at = None
        return False
    return True


def jobs_to_resend(model):
    """Queued jobs never handed to the broker, or handed long ago and still not started."""
    before = timezone.now() - datetime.timedelta(seconds=settings.BACKGROUND_JOB_RESEND_SECONDS)
    return model.objects.filter(Q(sent_at__isnull=True) | Q(sent_at__lt=before), status=model.Status.QUEUED)


def job_claim(model, job_id):
    """Make this run the job's current one; returns its ``attempt``, or None if there is nothing
    to run (done, failed, gone). Raises ``Busy`` while a live run has it; a running job whose run
    stopped reporting (its worker died) is taken over. One conditional UPDATE: two workers
    never both win."""
    claimable = Q(status=model.Status.QUEUED) | Q(status=model.Status.RUNNING, heartbeat_at__lt=stale_before())
    if model.objects.filter(claimable, pk=job_id).update(
            status=model.Status.RUNNING, attempt=F("attempt") + 1, heartbeat_at=timezone.now(), done=0):
        return model.objects.filter(pk=job_id).values_list("attempt", flat=True).get()
    if model.objects.filter(pk=job_id, status=model.Status.RUNNING).exists():
        raise Busy(job_id)
    return None


def current_run(model, job_id, attempt):
    """The job's row while ``attempt`` is its current run (an UPDATE through it that changes
    nothing means the run was superseded)."""
    return model.objects.filter(pk=job_id, attempt=attempt, status=model.Status.RUNNING)


def progress_reporter(model, job, attempt):
    """``progress(done, total)`` for a run: writes the counts and the heartbeat; raises
    ``Superseded`` once another run has taken the job."""
    current = current_run(model, job.pk, attempt)

    def progress(done, total):
        job.done, job.total = done, total
        if not current.update(done=done, total=total, heartbeat_at=timezone.now()):
            raise Superseded(job.pk)
    return progress
