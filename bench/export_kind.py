"""The benchmark's export kind (bench/export_worker.py, bench/celery_worker.py): the visit-detail
export of ``reports.exports.jobs`` with one change, the row selection. The visit-detail export
takes one calendar year, which at city scale holds about 670,000 visits, so this kind selects
every visit up to ``params["until"]`` (the day the wanted row count is reached) instead, with the
same columns, ordering, masking and writer."""

from reports.exports import jobs
from services.models import Visit


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
        job.params = {**job.params, "year": job.params["until"][:4]}
        return super().write(job, user, progress)


def register():
    exporter = BenchVisitExport()
    jobs.KINDS[exporter.kind] = exporter
    return exporter
