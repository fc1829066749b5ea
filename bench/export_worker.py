"""One export measurement, its peak memory its own.

    python bench/export_worker.py --mode job --rows 1000000 --username scale_city_city1
    python bench/export_worker.py --mode bare --rows 1000000 --username scale_city_city1

``job``: the reports app's background export, end to end through a real Celery worker: a fresh
worker process is started (bench/celery_worker.py, solo pool), a queued ``ExportJob`` is sent
to it by ``export_job_send`` as a web request would, the worker claims and runs it (rows
streamed from ``.values_list().iterator()`` into an openpyxl write-only workbook, the file saved
to the media storage) while this process polls the job row; the memory figure is the WORKER's
peak resident size, VmHWM of /proc/<worker pid>/status, read before it is stopped. (Not
``ru_maxrss``: Linux carries it over from the parent across exec, so a child started by a big
parent reports the parent's peak.) The kind is bench/export_kind.py's: the first ``--rows``
visits by date. Needs a broker (CELERY_BROKER_URL or REDIS_URL; bench/run.py sets REDIS_URL
when Redis answers); without one the job runs in this process, and the line says so.

``bare``: openpyxl write-only writing the same rows with no database: the first 10,000 rows
of the same selection, already turned into cell values by the same columns, appended over
and over until ``--rows`` rows are written; its memory is this process's own VmHWM.
Prints one JSON line.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402


def peak_mb(pid="self"):
    """The peak resident set size of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def resident_mb(pid="self"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def run_job_through_worker(user, exporter, params):
    """Start a worker, send it the job, wait for it; returns (job, seconds, peak MB, base MB, how)."""
    import subprocess

    from django.conf import settings

    from reports.exports import jobs
    from reports.models import ExportJob

    job = ExportJob.objects.create(user=user, kind=exporter.kind, params=params)
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: in this process
        base = peak_mb()
        started = time.perf_counter()
        job = jobs.export_job_run(job.pk)
        return job, time.perf_counter() - started, peak_mb(), base, "in-process (no broker)"
    ready = Path(tempfile.mkdtemp()) / "ready"
    worker = subprocess.Popen([sys.executable, str(Path(__file__).resolve().parent / "celery_worker.py")],
                              env={**os.environ, "BENCH_WORKER_READY": str(ready)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():  # the worker's start-up (Django, the broker connection)
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the bench worker did not start: {worker.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        base = resident_mb(worker.pid)
        started = time.perf_counter()
        if not jobs.export_job_send(job):
            raise SystemExit("the broker cannot be reached")
        while True:
            status = ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)
            if status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                break
            if worker.poll() is not None:
                raise SystemExit(f"the bench worker died: {worker.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        peak = peak_mb(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    job.refresh_from_db()
    return job, seconds, peak, base, f"celery worker pid {worker.pid}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["job", "bare"], required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--username", required=True)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from openpyxl import Workbook

    from bench.export_kind import register
    from portal.xlsx import cell_value
    from reports.models import ExportJob
    from services.models import Visit

    user = get_user_model().objects.get(username=args.username)
    with connection.cursor() as cursor:
        cursor.execute("SELECT visited_on FROM services_visit ORDER BY visited_on, id OFFSET %s LIMIT 1",
                       [args.rows - 1])
        found = cursor.fetchone()
    last_day = found[0] if found else Visit.objects.order_by("-visited_on").values_list("visited_on", flat=True)[0]
    exporter = register()
    base_rss = peak_mb()
    how = "in-process"

    if args.mode == "job":
        job, seconds, peak, base_rss, how = run_job_through_worker(user, exporter, {"until": last_day.isoformat()})
        rows = job.done
        status, size = job.status, (job.file.size if job.file else 0)
        if job.file:
            job.file.delete(save=False)
        job.delete()
        if status != ExportJob.Status.DONE:
            raise SystemExit(f"export job failed: {job.error}")
    else:
        columns = exporter.columns(user)
        sample = list(exporter.queryset(user, {"until": last_day.isoformat()}).order_by("visited_on", "id")
                      .values_list(*exporter.fields)[:10_000])
        values = [[cell_value(column.value(row)) for column in columns] for row in sample]
        headers = [str(column.header) for column in columns]
        base_rss = peak_mb()
        started = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Visits")
        ws.append(headers)
        count = len(values)
        for index in range(args.rows):
            ws.append(values[index % count])
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        wb.save(path)
        seconds = time.perf_counter() - started
        size = os.path.getsize(path)
        os.unlink(path)
        rows, status = args.rows, "done"
        peak = peak_mb()
    print(json.dumps({"mode": args.mode, "rows": rows, "seconds": round(seconds, 2),
                      "rows_per_s": round(rows / seconds, 1), "peak_rss_mb": round(peak, 1),
                      "base_rss_mb": round(base_rss, 1), "bytes": size, "status": str(status), "measured": how}))


if __name__ == "__main__":
    main()
