"""Recompute the figures rollup (reports.figures).

    python manage.py refresh_figures                    # every cell from the raw records (after bulk loads)
    python manage.py refresh_figures --dirty            # only the cells marked dirty by writes, once
    python manage.py refresh_figures --watch [--interval 5]   # the background refresher

With ``FIGURES_REFRESH = "worker"`` (a city install, docs/scaling.md) reads no longer recompute
dirty cells; run ``--watch`` beside the web processes (deploy/portal-figures.service) so that a
saved record shows in the figures within the interval.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from reports import figures


class Command(BaseCommand):
    help = ("Recompute the figures rollup: every cell from the raw records, or (--dirty, --watch) the cells "
            "that writes marked dirty.")

    def add_arguments(self, parser):
        parser.add_argument("--dirty", action="store_true", help="Recompute only the dirty cells, once.")
        parser.add_argument("--watch", action="store_true", help="Keep recomputing dirty cells (the refresher).")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between two passes of --watch.")

    def handle(self, *args, dirty=False, watch=False, interval=5.0, **options):
        if not (dirty or watch):
            figures.rebuild(stdout=self.stdout)
            return
        while True:
            if not connection.in_atomic_block:  # inside a transaction (tests) it would close it
                close_old_connections()
            started = time.monotonic()
            count = figures.refresh_all_dirty()
            if count:
                self.stdout.write(f"recomputed {count} dirty cell(s) in {time.monotonic() - started:.2f} s")
            if not watch:
                return
            time.sleep(interval)
