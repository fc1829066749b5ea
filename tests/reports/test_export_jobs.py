"""The visit-detail export (every visit of a year) as a background job: it
starts at once, writes every visit row of the scope and nothing else into a write-only
workbook, masks ID numbers for roles that may not see them, splits sheets below Excel's row
limit, and only its owner downloads the file (logged)."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import AccessLog
from clients.idnumbers import mask
from reports.exports import jobs
from reports.models import ExportJob
from reports.tasks import run_export
from services.models import Visit
from tests.reports.test_figures import D, make_client, make_visit, records  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tricky_visit(records, station_xiaohe):  # noqa: F811
    """A 2023 visit whose text tries to run as a formula."""
    visit = make_visit(records["extreme"], D(2023, 8, 8))
    Visit.objects.filter(pk=visit.pk).update(findings="=cmd|' /C calc'!A0", needs="+1 米面油")
    return visit


def start(web, user, **data):
    return web(user).post("/reports/exports/", {"year": 2023, **data})


def rows_of(job):
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    with job.file.open("rb") as handle:
        wb = load_workbook(io.BytesIO(handle.read()))
    return wb, [row for sheet in wb for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_starting_an_export_queues_the_job_and_sends_its_task_after_the_commit(
        web, bureau, records, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    sent = []
    monkeypatch.setattr(run_export, "apply_async", lambda args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = start(web, bureau)
    assert response.status_code == 302 and response["Location"] == "/reports/exports/"
    job = ExportJob.objects.get(user=bureau)
    assert (job.kind, job.status, job.params["year"], job.sent_at) == ("visit_detail", "queued", 2023, None)
    assert len(callbacks) == 1 and sent == []  # nothing is sent before the commit
    callbacks[0]()
    job.refresh_from_db()
    assert sent == [[job.pk]] and job.sent_at is not None and job.status == "queued"


def test_without_a_broker_the_task_runs_eagerly_after_the_commit(web, bureau, records,  # noqa: F811
                                                                 django_capture_on_commit_callbacks, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the tests have no CELERY_BROKER_URL / REDIS_URL: `make run`'s mode
    with django_capture_on_commit_callbacks(execute=True):
        response = start(web, bureau)
    assert response.status_code == 302
    job = ExportJob.objects.get(user=bureau)
    assert job.status == ExportJob.Status.DONE and job.attempt == 1 and job.file


def test_the_job_writes_every_visit_of_the_scope_and_nothing_else(web, bureau, tricky_visit):
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    jobs.export_job_run(job.pk)
    wb, rows = rows_of(job)
    expected = set(Visit.objects.filter(visited_on__year=2023).values_list("pk", flat=True))
    assert {row[0] for row in rows} == expected and len(rows) == len(expected) == 7
    assert {row[1].year for row in rows} == {2023}
    assert job.done == job.total == 7
    sheet = wb.worksheets[0]
    assert sheet["A1"].value == "探访编号" and sheet.freeze_panes == "A2"
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert cells["=cmd|' /C calc'!A0"].data_type == "s" and cells["+1 米面油"].data_type == "s"


def test_a_workers_export_holds_their_station_only(web, xiaohe, records, station_xiaohe):  # noqa: F811
    start(web, xiaohe)
    job = ExportJob.objects.get(user=xiaohe)
    jobs.export_job_run(job.pk)
    _wb, rows = rows_of(job)
    assert {row[2] for row in rows} == {"小河镇社会工作服务站"}
    assert {row[0] for row in rows} == set(
        Visit.objects.filter(visited_on__year=2023, station=station_xiaohe).values_list("pk", flat=True))


def test_id_numbers_are_text_and_masked_unless_the_role_may_see_them(web, bureau, bureau_admin, auditor, records):  # noqa: F811
    numbers = dict(Visit.objects.filter(visited_on__year=2023).values_list("pk", "client__id_number"))
    for user, masked in ((bureau, True), (bureau_admin, False)):
        start(web, user)
        job = ExportJob.objects.get(user=user)
        jobs.export_job_run(job.pk)
        wb, rows = rows_of(job)
        assert {row[0]: row[4] for row in rows} == {
            pk: mask(number) if masked else number for pk, number in numbers.items()}, user
        id_cells = [row[4] for row in wb.worksheets[0].iter_rows(min_row=2)]
        assert all(cell.data_type == "s" for cell in id_cells)
    # The auditor reads the access log, not people's records (docs/security.md): no visit export.
    assert not auditor.has_perm(jobs.VisitDetailExport.permission)


def test_sheets_split_below_the_row_limit_and_progress_is_reported(web, bureau, records, monkeypatch):  # noqa: F811
    monkeypatch.setattr("portal.xlsx.EXCEL_MAX_ROWS", 3)  # 2 rows and a header per sheet
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    seen = []
    reporter = jobs.progress_reporter

    def spy(model, job, attempt):
        progress = reporter(model, job, attempt)

        def record(done, total):
            progress(done, total)
            seen.append(ExportJob.objects.values_list("done", flat=True).get(pk=job.pk))
        return record
    monkeypatch.setattr(jobs, "progress_reporter", spy)
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    jobs.export_job_run(job.pk)
    wb, rows = rows_of(job)
    assert [sheet.title for sheet in wb] == ["探访记录", "探访记录 (2)", "探访记录 (3)"]
    assert [sheet.max_row for sheet in wb] == [3, 3, 3]
    assert all(sheet["A1"].value == "探访编号" for sheet in wb)
    assert len(rows) == 6
    assert seen == [0, 2, 4, 6, 6]


def test_the_task_runs_a_queued_job_once_and_a_second_delivery_runs_nothing(web, bureau, records):  # noqa: F811
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    run_export.apply(args=[job.pk])
    run_export.apply(args=[job.pk])  # the same message delivered again (acks_late)
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ExportJob.Status.DONE, 1)
    assert jobs.export_job_run(job.pk) is None


def test_only_the_owner_downloads_and_the_download_is_logged(web, bureau, center, xiaohe, records):  # noqa: F811
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    assert web(bureau).get(f"/reports/exports/{job.pk}/download/").status_code == 404  # not finished yet
    jobs.export_job_run(job.pk)
    response = web(bureau).get(f"/reports/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].max_row == 7
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, username="bureau", object_id=str(job.pk)).exists()
    for other in (center, xiaohe):
        assert web(other).get(f"/reports/exports/{job.pk}/download/").status_code == 404
        assert web(other).get(f"/reports/exports/{job.pk}/progress/").status_code == 404
        assert job.pk not in [j.pk for j in web(other).get("/reports/exports/").context["jobs"]]


def test_the_progress_fragment_polls_until_the_job_is_done(web, bureau, records):  # noqa: F811
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    fragment = web(bureau).get(f"/reports/exports/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<progress" in fragment
    ExportJob.objects.filter(pk=job.pk).update(status="running", total=1000, done=250)
    fragment = web(bureau).get(f"/reports/exports/{job.pk}/progress/").content.decode()
    assert 'value="25"' in fragment and "250 / 1000 (25%)" in fragment
    ExportJob.objects.filter(pk=job.pk).update(status="queued", done=0)
    jobs.export_job_run(job.pk)
    fragment = web(bureau).get(f"/reports/exports/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment and f"/reports/exports/{job.pk}/download/" in fragment
    page = web(bureau).get("/reports/exports/").content.decode()
    assert f'id="export-job-{job.pk}"' in page


@pytest.mark.parametrize("data", [{"year": "abcd"}, {"year": 1990}, {"year": 2999}])
def test_bad_input_starts_nothing(web, bureau, data):
    response = web(bureau).post("/reports/exports/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["year"]
    assert not ExportJob.objects.exists()


def test_a_station_outside_the_scope_starts_nothing(web, xiaohe, station_baisi):
    response = start(web, xiaohe, station=station_baisi.pk)
    assert response.status_code == 400 and response.context["form"].errors["station"]
    assert not ExportJob.objects.exists()


def test_a_failing_job_is_marked_failed(web, bureau, records, monkeypatch):  # noqa: F811
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(jobs.VisitDetailExport, "write", broken)
    jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == "导出失败,请重试。"
    assert "导出失败" in web(bureau).get(f"/reports/exports/{job.pk}/progress/").content.decode()


def test_only_roles_with_the_visit_permission_export(web, bureau, monkeypatch):
    monkeypatch.setattr(jobs.VisitDetailExport, "permission", "services.no_such_permission")
    assert web(bureau).get("/reports/exports/").status_code == 403
    assert web(bureau).post("/reports/exports/", {"year": 2023}).status_code == 403
    assert web(bureau).get("/reports/exports/1/download/").status_code == 403
    assert not ExportJob.objects.exists()
