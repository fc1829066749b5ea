"""A Celery worker for the benchmark: the portal's worker (`celery -A config worker`, solo pool,
queue ``jobs``) with the benchmark's export kind registered (bench/export_kind.py). Started by
bench/export_worker.py, one fresh worker per measurement, so that its peak memory (VmHWM in
/proc/<pid>/status) is its own."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402


def main():
    setup_django()
    import os

    from celery.signals import worker_ready

    from bench.export_kind import register
    from config.celery import app

    register()
    ready = os.environ.get("BENCH_WORKER_READY")
    if ready:  # tell bench/export_worker.py that the worker consumes now
        worker_ready.connect(lambda **kwargs: Path(ready).write_text(str(os.getpid())), weak=False)
    app.worker_main(["worker", "--pool", "solo", "-Q", "jobs", "-n", "bench@%h", "--without-gossip",
                     "--without-mingle", "--without-heartbeat", "-l", "WARNING"])


if __name__ == "__main__":
    main()
