"""A roster commit of more than ROSTER_BACKGROUND_ROWS rows runs as a background job (issue 15):
the commit answers at once with the job's progress page, the task imports every row in one
transaction (or nothing), only the owner sees the job, the owner's scope is read when it runs,
and a failed job can be run again. The real worker is in tests/integration."""

import pytest
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailable

from clients import jobs, roster
from clients.models import CategoryMembership, Client, RosterImportJob
from clients.tasks import roster_import

from .test_roster import _good_rows, _xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROSTER_BACKGROUND_ROWS = 3


def _rows(n, seed=21):
    rows = _good_rows(n, seed=seed)
    for row in rows:
        row[4] = "小河镇"
    return rows


def _checked(browser, rows):
    response = browser.post("/clients/import/", {"file": _xlsx(rows)})
    assert response.status_code == 302
    return response["Location"]


def test_a_big_commit_becomes_a_job_and_the_task_imports_every_row(web, xiaohe, django_capture_on_commit_callbacks,
                                                                   monkeypatch):
    browser = web(xiaohe)
    preview = _checked(browser, _rows(5))
    sent = []
    monkeypatch.setattr(roster_import, "apply_async", lambda args: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(preview + "commit/")
    job = RosterImportJob.objects.get(user=xiaohe)
    assert response.status_code == 302 and response["Location"] == f"/clients/import/jobs/{job.pk}/"
    assert (job.status, job.total, sent) == ("queued", 5, [job.pk]) and Client.objects.count() == 0
    page = browser.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    assert f'id="roster-job-{job.pk}"' in browser.get("/clients/import/").content.decode()  # listed on the import page
    progressed = []
    monkeypatch.setattr(roster, "PROGRESS_EVERY", 2)
    reporter = jobs.progress_reporter

    def spy(model, job, attempt):
        progress = reporter(model, job, attempt)

        def record(done, total):
            progress(done, total)
            progressed.append((done, total))
        return record
    monkeypatch.setattr(jobs, "progress_reporter", spy)
    roster_import.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.counts["new"], job.attempt) == ("done", 5, 1)
    assert progressed == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert Client.objects.filter(station__short_name="小河站").count() == 5
    fragment = browser.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "新增 5" in fragment and "<html" not in fragment
    assert not list((roster.import_dir()).glob("*.xlsx"))  # the stored upload goes once imported
    roster_import.apply(args=[job.pk])  # delivered again: nothing runs twice
    job.refresh_from_db()
    assert job.attempt == 1 and Client.objects.count() == 5


def test_a_small_commit_still_runs_in_the_request(web, xiaohe, settings):
    settings.ROSTER_BACKGROUND_ROWS = 10
    browser = web(xiaohe)
    response = browser.post(_checked(browser, _rows(5)) + "commit/")
    assert response["Location"] == "/clients/" and Client.objects.count() == 5
    assert not RosterImportJob.objects.exists()


def test_rows_with_errors_at_run_time_import_nothing_and_the_preview_shows_them(web, xiaohe, register,
                                                                                station_baisi):
    rows = _rows(5)
    browser = web(xiaohe)
    preview = _checked(browser, rows)
    job = jobs.roster_job_start(user=xiaohe, token=preview.rstrip("/").rsplit("/", 1)[-1], name="roster.xlsx", rows=5)
    other = register(station_baisi, "李四")  # meanwhile registered at another station
    Client.objects.filter(pk=other.pk).update(id_number=rows[3][1])
    jobs.roster_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "未导入任何数据" in job.error and job.counts["error"] == 1
    assert Client.objects.count() == 1  # only the one registered meanwhile
    assert browser.get(preview).context["counts"]["error"] == 1
    assert "查看有错误的行" in browser.get(f"/clients/import/jobs/{job.pk}/").content.decode()


def test_an_import_interrupted_half_way_writes_nothing_and_runs_again(web, xiaohe, monkeypatch):
    browser = web(xiaohe)
    preview = _checked(browser, _rows(5))
    job = jobs.roster_job_start(user=xiaohe, token=preview.rstrip("/").rsplit("/", 1)[-1], name="roster.xlsx", rows=5)
    insert = roster._insert

    def dies_after_the_clients(model, attnames, rows):
        if model is CategoryMembership:
            raise OperationalError("server closed the connection unexpectedly")
        return insert(model, attnames, rows)
    monkeypatch.setattr(roster, "_insert", dies_after_the_clients)
    with pytest.raises(OperationalError):
        jobs.roster_job_run(job.pk)  # the task retries it with backoff
    job.refresh_from_db()
    assert job.status == "queued" and Client.objects.count() == 0  # one transaction: nothing written
    monkeypatch.undo()
    jobs.roster_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("done", 2) and Client.objects.count() == 5


def test_the_owners_scope_and_permission_are_read_when_it_runs(web, xiaohe):
    browser = web(xiaohe)
    preview = _checked(browser, _rows(5))
    job = jobs.roster_job_start(user=xiaohe, token=preview.rstrip("/").rsplit("/", 1)[-1], name="roster.xlsx", rows=5)
    xiaohe.is_active = False
    xiaohe.save(update_fields=["is_active"])
    jobs.roster_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "您已无权导入名册。" and Client.objects.count() == 0


def test_only_the_owner_sees_the_job_and_runs_it_again(web, xiaohe, xiaohe_head, baisi,
                                                       django_capture_on_commit_callbacks, monkeypatch):
    browser = web(xiaohe)
    preview = _checked(browser, _rows(5))
    job = jobs.roster_job_start(user=xiaohe, token=preview.rstrip("/").rsplit("/", 1)[-1], name="roster.xlsx", rows=5)
    RosterImportJob.objects.filter(pk=job.pk).update(status="failed", error="导入失败,请重试。")
    for other in (xiaohe_head, baisi):
        assert f"roster-job-{job.pk}" not in web(other).get("/clients/import/").content.decode()
        assert web(other).get(f"/clients/import/jobs/{job.pk}/").status_code == 404
        assert web(other).post(f"/clients/import/jobs/{job.pk}/").status_code == 404
    sent = []
    monkeypatch.setattr(roster_import, "apply_async", lambda args: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(f"/clients/import/jobs/{job.pk}/").status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, sent) == ("queued", "", [job.pk])
    response = browser.post(f"/clients/import/jobs/{job.pk}/", follow=True)
    assert "只有失败的导入任务" in response.content.decode()


def test_a_broker_that_cannot_be_reached_leaves_the_import_queued_and_says_so(
        web, xiaohe, django_capture_on_commit_callbacks, monkeypatch):
    browser = web(xiaohe)
    preview = _checked(browser, _rows(5))

    def down(*args, **kwargs):
        raise BrokerUnavailable("Connection refused")
    monkeypatch.setattr(roster_import, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(preview + "commit/", follow=True)
    assert response.status_code == 200 and "任务队列暂时不可用" in response.content.decode()
    job = RosterImportJob.objects.get(user=xiaohe)
    assert (job.status, job.sent_at) == ("queued", None) and Client.objects.count() == 0
