"""A separate worker process for large exports (see reports.exports.jobs).

    python manage.py run_export_jobs           # keep polling the queue
    python manage.py run_export_jobs --once    # run what is queued, then exit (cron)

Set ``EXPORT_JOBS_WORKER = "command"`` so that web processes only queue jobs and this
command runs them; with the default ``"thread"`` the command still picks up anything left
in the queue (for instance jobs queued just before a web process was restarted).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from reports.exports.jobs import export_jobs_run_queued


class Command(BaseCommand):
    help = "Run queued large exports (visit details …) and keep waiting for new ones."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between two looks at the queue.")

    def handle(self, *args, once=False, interval=2.0, **options):
        while True:
            if not connection.in_atomic_block:  # inside a transaction (tests) it would close it
                close_old_connections()
            count = export_jobs_run_queued()
            if count:
                self.stdout.write(f"ran {count} export job(s)")
            if once:
                return
            time.sleep(interval)
