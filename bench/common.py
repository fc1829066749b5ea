"""Shared set-up of the benchmark scripts: the database, Django, timing helpers."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def setup_django(database_url=None):
    """Point Django at the benchmark database (DATABASE_URL, else portal_bench) and set it up."""
    os.environ["DATABASE_URL"] = database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ.setdefault("VAR_DIR", str(Path(os.environ.get("BENCH_VAR_DIR", "/tmp/portal-bench-var"))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CONN_MAX_AGE", "600")
    # Static files as in DEBUG (no manifest): the pages render without a collectstatic run.
    os.environ.setdefault("STATIC_MANIFEST", "0")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def median_ms(samples):
    return round(statistics.median(samples) * 1000, 2)


def percentile(samples, fraction):
    if not samples:
        return None
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


class Deadline:
    """The benchmark's overall time budget: every loop asks it before going on."""

    def __init__(self, seconds):
        self.started = time.monotonic()
        self.seconds = seconds

    @property
    def elapsed(self):
        return time.monotonic() - self.started

    @property
    def left(self):
        return self.seconds - self.elapsed
