"""Run the Celery beat entries now, in this process (``settings.CELERY_BEAT_SCHEDULE``).

    python manage.py run_scheduled                  # every entry once
    python manage.py run_scheduled jobs-requeue     # the named entries only

For an install without a broker (eager mode: no beat runs; call it from cron) and for
operations ("run this now" after a fault). With a worker and beat running nothing needs it.
"""

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the beat schedule's entries (all, or those named) once, now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("entries", nargs="*", help="entry names of CELERY_BEAT_SCHEDULE (default: all)")

    def handle(self, *args, entries=(), **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = [name for name in entries if name not in schedule]
        if unknown:
            raise CommandError(f"unknown entries {', '.join(unknown)}; known: {', '.join(schedule)}")
        current_app.loader.import_default_modules()  # the apps' tasks modules
        for name in entries or schedule:
            task = current_app.tasks[schedule[name]["task"]]
            result = task.apply(args=schedule[name].get("args", ()), kwargs=schedule[name].get("kwargs", {}))
            if result.failed():
                raise CommandError(f"{name}: {result.result!r}")
            self.stdout.write(f"{name}: {result.result}")
