"""Recompute the figures rollup (reports.figures).

    python manage.py refresh_figures            # every cell from the raw records (after bulk loads)
    python manage.py refresh_figures --dirty    # only the cells marked dirty by writes, once, now

With ``FIGURES_REFRESH = "worker"`` (a city install, docs/scaling.md) reads no longer recompute
dirty cells: the beat entry "figures-refresh" (the task ``reports.figures_refresh``, run by the
Celery worker) does, every FIGURES_REFRESH_SECONDS. ``--dirty`` is the same pass, run here now.
"""

from django.core.management.base import BaseCommand

from reports import figures


class Command(BaseCommand):
    help = ("Recompute the figures rollup: every cell from the raw records, or (--dirty) once the cells "
            "that writes marked dirty (what the beat entry figures-refresh does).")

    def add_arguments(self, parser):
        parser.add_argument("--dirty", action="store_true", help="Recompute only the dirty cells, once.")

    def handle(self, *args, dirty=False, **options):
        if not dirty:
            figures.rebuild(stdout=self.stdout)
            return
        count = figures.refresh_all_dirty()
        self.stdout.write(f"recomputed {count} dirty cell(s)")
