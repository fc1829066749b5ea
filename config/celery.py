"""The Celery application of the portal (docs/operations.md "Background work").

Every piece of background work is a Celery task: large exports and big roster imports (queue
``jobs``), and the beat entries of ``settings.CELERY_BEAT_SCHEDULE`` (queue ``celery``: the
figures refresh, the purges). Redis is the broker (``CELERY_BROKER_URL``, by default
``REDIS_URL``). With neither set, ``task_always_eager`` runs each task in the process that sends
it (``make run`` needs nothing else; README says what that trades away).

    celery -A config worker -Q jobs,celery --loglevel INFO   # deploy/portal-worker.service
    celery -A config beat --loglevel INFO                    # deploy/portal-beat.service
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
