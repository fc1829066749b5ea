"""The Celery side of background work (issue 15): every beat entry runs and does its job, the
export task survives a dead worker and a second delivery, a broker that cannot be reached
leaves the export queued with a clear message (never a 500), and its owner runs a failed
export again. The real worker, Redis and PostgreSQL are in tests/integration."""

import datetime
import os

import pytest
from celery import current_app
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from portal.jobs import Busy
from reports.exports import jobs
from reports.models import ExportJob, StationPeriodFigures
from reports.tasks import run_export
from services.models import FormToken
from tests.reports.test_figures import LOW, D, make_client, make_visit, records  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def start(web, user):
    return web(user).post("/reports/exports/", {"year": 2023})


def test_every_beat_entry_names_a_registered_task(settings):
    current_app.loader.import_default_modules()
    assert set(settings.CELERY_BEAT_SCHEDULE) >= {"figures-refresh", "jobs-requeue", "export-files-expire",
                                                  "form-tokens-purge", "roster-previews-purge"}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in current_app.tasks, name


def test_the_figures_refresh_entry_recomputes_the_dirty_cells(settings, station_xiaohe, capsys):
    settings.FIGURES_REFRESH = "worker"
    make_visit(make_client(station_xiaohe, LOW), D(2023, 5, 3))
    assert StationPeriodFigures.objects.filter(dirty=True).exists()
    call_command("run_scheduled", "figures-refresh")
    assert not StationPeriodFigures.objects.filter(dirty=True).exists()
    assert StationPeriodFigures.objects.get(station=station_xiaohe, kind="year", period_start=D(2023, 1, 1)).visits == 1
    assert "figures-refresh: 2" in capsys.readouterr().out  # the month and the year cell


def test_the_form_token_entry_purges_old_tokens_only(settings):
    settings.FORM_TOKEN_DAYS = 7
    old = FormToken.objects.create(token="old", used_at=timezone.now() - datetime.timedelta(days=8))
    FormToken.objects.create(token="new")
    call_command("run_scheduled", "form-tokens-purge")
    assert list(FormToken.objects.values_list("token", flat=True)) == ["new"]
    assert not FormToken.objects.filter(pk=old.pk).exists()


def test_the_idempotency_key_entry_purges_expired_keys_only(settings, xiaohe):
    from accounts.models import IdempotencyKey

    settings.API_IDEMPOTENCY_TTL_HOURS = 24
    IdempotencyKey.objects.create(user=xiaohe, key="old", fingerprint="x",
                                  created_at=timezone.now() - datetime.timedelta(hours=25))
    IdempotencyKey.objects.create(user=xiaohe, key="new", fingerprint="y")
    call_command("run_scheduled", "idempotency-keys-purge")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_export_expiry_entry_deletes_old_files_and_keeps_the_rows(web, bureau, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_FILE_DAYS = 7
    made = []
    for days in (8, 1):
        job = ExportJob.objects.create(user=bureau, kind="visit_detail", params={"year": 2023}, status="done",
                                       finished_at=timezone.now() - datetime.timedelta(days=days))
        job.file.save(f"old-{days}.xlsx", ContentFile(b"x"))
        made.append(job)
    old_path = made[0].file.path
    call_command("run_scheduled", "export-files-expire")
    for job in made:
        job.refresh_from_db()
    assert made[0].file.name == "" and made[1].file.name.endswith("old-1.xlsx")
    assert not (tmp_path / old_path).exists() and (tmp_path / made[1].file.name).exists()
    fragment = web(bureau).get(f"/reports/exports/{made[0].pk}/progress/").content.decode()
    assert "文件已过期" in fragment and "/download/" not in fragment
    assert web(bureau).get(f"/reports/exports/{made[0].pk}/download/").status_code == 404


def test_the_roster_preview_entry_purges_old_previews(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "roster-imports"
    folder.mkdir()
    old, new = folder / "1-aaa.xlsx", folder / "1-bbb.xlsx"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    stamp = (timezone.now() - datetime.timedelta(hours=settings.ROSTER_PREVIEW_TTL_HOURS + 1)).timestamp()
    os.utime(old, (stamp, stamp))
    call_command("run_scheduled", "roster-previews-purge")
    assert not old.exists() and new.exists()


def test_a_broker_that_cannot_be_reached_leaves_the_export_queued_and_says_so(
        web, bureau, records, monkeypatch, django_capture_on_commit_callbacks):  # noqa: F811
    def down(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:1. Connection refused.")
    monkeypatch.setattr(run_export, "apply_async", down)
    page = web(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post("/reports/exports/", {"year": 2023}, follow=True)
    assert response.status_code == 200
    assert "任务队列暂时不可用" in response.content.decode()
    job = ExportJob.objects.get(user=bureau)
    assert (job.status, job.sent_at) == ("queued", None)
    assert "任务队列暂时不可用" in page.get(f"/reports/exports/{job.pk}/progress/").content.decode()
    # The broker is back: the beat entry "jobs-requeue" sends it (eager here: it runs).
    monkeypatch.undo()
    call_command("run_scheduled", "jobs-requeue")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file


def test_the_requeue_entry_leaves_recently_sent_jobs_alone(web, bureau, records, monkeypatch):  # noqa: F811
    sent = []
    monkeypatch.setattr(run_export, "apply_async", lambda args: sent.append(args[0]))
    recent = ExportJob.objects.create(user=bureau, kind="visit_detail", params={"year": 2023}, sent_at=timezone.now())
    lost = ExportJob.objects.create(user=bureau, kind="visit_detail", params={"year": 2023},
                                    sent_at=timezone.now() - datetime.timedelta(hours=1))
    unsent = ExportJob.objects.create(user=bureau, kind="visit_detail", params={"year": 2023})
    ExportJob.objects.create(user=bureau, kind="visit_detail", params={"year": 2023}, status="done")
    call_command("run_scheduled", "jobs-requeue")
    assert sorted(sent) == sorted([lost.pk, unsent.pk]) and recent.pk not in sent


def test_a_run_whose_worker_died_is_taken_over_and_a_live_one_is_not(web, bureau, records, settings):  # noqa: F811
    settings.BACKGROUND_JOB_STALE_SECONDS = 60
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempt=1, heartbeat_at=timezone.now())
    with pytest.raises(Busy):
        jobs.export_job_run(job.pk)  # a live run has it: the task retries later
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("done", 2) and job.done == job.total == 6


def test_a_run_that_was_taken_over_drops_its_work_and_leaves_no_file(web, bureau, records, monkeypatch,  # noqa: F811
                                                                     settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    write = jobs.VisitDetailExport.write

    def taken_over_while_writing(self, job, user, progress):
        result = write(self, job, user, progress)
        ExportJob.objects.filter(pk=job.pk).update(attempt=9)  # another worker took it over
        return result
    monkeypatch.setattr(jobs.VisitDetailExport, "write", taken_over_while_writing)
    jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempt, job.file.name) == ("running", 9, "")
    assert not list(tmp_path.rglob("*.xlsx"))


def test_the_owner_runs_a_failed_export_again(web, bureau, center, records, monkeypatch,  # noqa: F811
                                              django_capture_on_commit_callbacks):
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    ExportJob.objects.filter(pk=job.pk).update(status="failed", error="导出失败,请重试。")
    assert web(center).post(f"/reports/exports/{job.pk}/retry/").status_code == 404
    sent = []
    monkeypatch.setattr(run_export, "apply_async", lambda args: sent.append(args[0]))
    assert "重新运行" in web(bureau).get(f"/reports/exports/{job.pk}/progress/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = web(bureau).post(f"/reports/exports/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "") and sent == [job.pk]
    response = web(bureau).post(f"/reports/exports/{job.pk}/retry/", follow=True)  # not failed any more
    assert "只有失败的导出" in response.content.decode() and sent == [job.pk]


def test_the_exports_page_pins_its_query_count(web, bureau, count_queries):
    page = web(bureau)

    def jobs_of(n):
        ExportJob.objects.bulk_create([ExportJob(user=bureau, kind="visit_detail", params={"year": 2023},
                                                 status=("queued", "running", "done", "failed")[i % 4])
                                       for i in range(n)])
    jobs_of(3)
    page.get("/reports/exports/")  # warm the session
    three = count_queries(lambda: page.get("/reports/exports/"))
    jobs_of(27)
    assert count_queries(lambda: page.get("/reports/exports/")) == three <= 8


def test_in_eager_mode_a_job_another_run_has_is_left_to_it(web, bureau, records, settings):  # noqa: F811
    start(web, bureau)
    job = ExportJob.objects.get(user=bureau)
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempt=1, heartbeat_at=timezone.now())
    run_export.apply_async(args=[job.pk])  # eager here: no retry loop, the live run keeps it
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("running", 1)
