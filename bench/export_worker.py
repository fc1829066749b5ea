"""One export measurement in its own process, so that its peak memory (ru_maxrss) is its own.

    python bench/export_worker.py --mode job --rows 1000000 --username scale_city_city1
    python bench/export_worker.py --mode bare --rows 1000000 --username scale_city_city1

``job``: the reports app's background export job, end to end (``reports.exports.jobs``: a queued
``ExportJob`` claimed and run by ``export_job_run``, rows streamed from
``.values_list().iterator()`` into an openpyxl write-only workbook, the file saved to the
media storage). The only change is the row selection: the visit-detail export takes one
calendar year, which at city scale holds about 670,000 visits, so the benchmark's kind
selects the first ``--rows`` visits by date instead (every visit up to the day the count is
reached), with the same columns, ordering, masking and writer.

``bare``: openpyxl write-only writing the same rows with no database: the first 10,000 rows
of the same selection, already turned into cell values by the same columns, appended over
and over until ``--rows`` rows are written. Prints one JSON line.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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

    from portal.xlsx import cell_value
    from reports.exports import jobs
    from reports.models import ExportJob
    from services.models import Visit

    user = get_user_model().objects.get(username=args.username)
    with connection.cursor() as cursor:
        cursor.execute("SELECT visited_on FROM services_visit ORDER BY visited_on, id OFFSET %s LIMIT 1",
                       [args.rows - 1])
        found = cursor.fetchone()
    last_day = found[0] if found else Visit.objects.order_by("-visited_on").values_list("visited_on", flat=True)[0]

    class BenchVisitExport(jobs.VisitDetailExport):
        kind = "bench_visit_detail"

        @staticmethod
        def clean_params(user, params):
            return dict(params)

        @staticmethod
        def describe(params):
            return f"bench {params['until']}"

        def queryset(self, user, params):
            return Visit.objects.visible_to(user).filter(visited_on__lte=params["until"])

        def write(self, job, user, progress):
            job.params = {**job.params, "year": params_year}
            return super().write(job, user, progress)

    params_year = last_day.year
    exporter = BenchVisitExport()
    jobs.KINDS[exporter.kind] = exporter
    base_rss = rss_mb()

    if args.mode == "job":
        job = ExportJob.objects.create(user=user, kind=exporter.kind, params={"until": last_day.isoformat()})
        started = time.perf_counter()
        job = jobs.export_job_run(job.pk)
        seconds = time.perf_counter() - started
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
        base_rss = rss_mb()
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
    print(json.dumps({"mode": args.mode, "rows": rows, "seconds": round(seconds, 2),
                      "rows_per_s": round(rows / seconds, 1), "peak_rss_mb": round(rss_mb(), 1),
                      "base_rss_mb": round(base_rss, 1), "bytes": size, "status": str(status)}))


if __name__ == "__main__":
    main()
