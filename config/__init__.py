# The Celery app is loaded with Django, so that every ``shared_task`` uses its settings
# (broker, eager mode) whichever process imports the tasks: web, worker, beat or a command.
from .celery import app as celery_app

__all__ = ["celery_app"]
