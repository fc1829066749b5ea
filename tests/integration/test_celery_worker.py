"""Background work through a REAL Celery worker (issue 15), against Redis and PostgreSQL.

The worker is a subprocess (`celery -A config worker`, solo pool) whose DATABASE_URL names this
test's own PostgreSQL test database; the tests run with ``transaction=True`` so that what they
write is committed and the worker sees it. `.ci/run` starts Redis and runs this file on its own
(`pytest tests/integration -n 0`). Redis database 14 is this file's: emptied before each test.

- an export and a roster import of 20,000 rows go queued → running → done through the worker,
  and the files (the workbook; the clients written) are correct;
- SIGKILL: a worker killed with ``kill -9`` in the middle of an export; a second worker gets the
  unacknowledged message after the (short) visibility timeout, takes the job over, and exactly
  one file is written;
- Redis down: a web server (subprocess) whose broker is a closed port keeps serving its pages,
  a new export answers that the queue is unavailable (no 500) and stays queued; once a broker
  is there, the beat entry "jobs-requeue" sends it and a worker runs it.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings as django_settings
from django.db import connection
from openpyxl import load_workbook

from clients import roster
from clients.models import Client, RosterImportJob
from reports.exports import jobs as export_jobs
from reports.models import ExportJob
from services.models import Visit
from stations import demo

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
ROWS = 20_000
PASSWORD = "Xunxian@2023"


def _redis_up():
    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="the worker shares the test database: PostgreSQL only (DATABASE_URL)"),
    pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {BROKER} (.ci/run starts one)"),
]


def _database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def env(settings, tmp_path):
    """The environment of every subprocess: this test database, this media folder, a short
    visibility timeout and stale time (a killed worker's job is taken over within seconds)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKGROUND_JOB_STALE_SECONDS = 3
    redis.Redis.from_url(BROKER).flushdb()
    conf = current_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    conf.update(broker_url=BROKER, task_always_eager=False,
                broker_transport_options={**conf.broker_transport_options, "visibility_timeout": 6})
    demo.seed({})  # the organisation (a transactional test starts from an empty database)
    yield {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": BROKER,
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "VAR_DIR": str(tmp_path / "var"),
           "CELERY_VISIBILITY_TIMEOUT": "6", "BACKGROUND_JOB_STALE_SECONDS": "3",
           "PYTHONPATH": str(ROOT), "REDIS_URL": ""}
    # The producer pool stays: every test of this file sends to the same BROKER.
    conf.update(saved)


class Worker:
    """`celery -A config worker` in its own process group, its log in tmp_path."""

    def __init__(self, env, log, name):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "jobs,celery", "--pool", "solo",
             "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(env, tmp_path):
    started = []

    def start(name="w1"):
        worker = Worker(env, tmp_path / f"{name}.log", name)
        started.append(worker)
        return worker
    yield start
    for worker in started:
        worker.stop()


def _user(username="admin"):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.select_related("staff").get(username=username)


def _roster_rows(n):
    from tests.clients.test_roster import _good_rows

    return _good_rows(n, seed=15)


def _xlsx_bytes(rows):
    from tests.clients.test_roster import _xlsx

    return _xlsx(rows)


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _visits(user, n):
    """``n`` clients imported in-process and one 2023 visit each."""
    result = roster.run(user=user, file=_xlsx_bytes(_roster_rows(n)), commit=True)
    assert result.committed
    import datetime

    day = datetime.date(2023, 3, 1)
    Visit.objects.bulk_create(
        [Visit(station_id=station, client_id=pk, visited_on=day + datetime.timedelta(days=i % 300))
         for i, (pk, station) in enumerate(Client.objects.values_list("pk", "station_id"))], batch_size=5000)


def _export_rows(job):
    with job.file.open("rb") as handle:
        wb = load_workbook(io.BytesIO(handle.read()), read_only=True)
    return [row for sheet in wb for row in sheet.iter_rows(min_row=2, values_only=True)]


def _statuses(model, pk, until, timeout):
    """Every (status, done) the job goes through until ``until`` is reached."""
    seen = []

    def reached():
        status, done = model.objects.values_list("status", "done").get(pk=pk)
        if not seen or seen[-1] != (status, done):
            seen.append((status, done))
        return status == until or status == "failed"
    _wait(reached, timeout, f"{model.__name__} {pk} {until}")
    return seen


def test_an_export_and_a_roster_import_of_20000_rows_run_through_the_worker(env, workers, client):
    user = _user()
    _visits(user, ROWS)
    export = export_jobs.export_job_start(user=user, kind="visit_detail", params={"year": 2023})
    # The import through the web pages: check (in the request), then commit (a job: > threshold).
    client.force_login(user)
    new_rows = _good_rows_other(ROWS)  # 20,000 people not registered yet
    response = client.post("/clients/import/", {"file": _xlsx_bytes(new_rows)})
    assert response.status_code == 302, response.content[:500]
    response = client.post(response["Location"] + "commit/")
    job = RosterImportJob.objects.get(user=user)
    assert response["Location"] == f"/clients/import/jobs/{job.pk}/"
    export.refresh_from_db()
    job.refresh_from_db()
    assert (export.status, job.status) == ("queued", "queued")  # no worker yet: queued, sent
    assert export.sent_at is not None and job.sent_at is not None
    workers("w1")
    export_seen = _statuses(ExportJob, export.pk, "done", 300)
    import_seen = _statuses(RosterImportJob, job.pk, "done", 300)
    assert export_seen[-1] == ("done", ROWS) and any(s == "running" for s, _ in export_seen), export_seen
    export.refresh_from_db()
    rows = _export_rows(export)
    assert len(rows) == ROWS and {row[0] for row in rows} == set(Visit.objects.values_list("pk", flat=True))
    job.refresh_from_db()
    assert import_seen[-1][0] == "done" and job.counts == {"new": len(new_rows), "unchanged": 0, "updated": 0,
                                                           "error": 0}, (import_seen, job.error)
    assert Client.objects.count() == ROWS + len(new_rows)
    assert client.get(f"/clients/import/jobs/{job.pk}/").status_code == 200


def _good_rows_other(n):
    from tests.clients.test_roster import _good_rows

    taken = set(Client.objects.values_list("id_number", flat=True))
    return [row for row in _good_rows(n + 200, seed=77) if row[1] not in taken][:n]


def test_a_worker_killed_mid_export_is_replaced_and_exactly_one_file_is_written(env, workers, settings):
    user = _user()
    _visits(user, ROWS)
    first = workers("w1")
    export = export_jobs.export_job_start(user=user, kind="visit_detail", params={"year": 2023})
    _wait(lambda: ExportJob.objects.filter(pk=export.pk, status="running", done__gt=0).exists(), 300,
          "the first worker to be half-way")
    first.kill(signal.SIGKILL)
    export.refresh_from_db()
    assert export.status == "running" and 0 < export.done < ROWS and export.attempt == 1
    workers("w2")
    _statuses(ExportJob, export.pk, "done", 300)
    export.refresh_from_db()
    assert (export.status, export.attempt, export.done) == ("done", 2, ROWS)
    files = list(Path(settings.MEDIA_ROOT).rglob("*.xlsx"))
    assert files == [Path(settings.MEDIA_ROOT) / export.file.name]  # exactly one file
    assert len(_export_rows(export)) == ROWS


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_down_pages_work_and_a_new_export_waits_for_the_queue(env, workers, tmp_path):
    import requests
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

    user = _user("bureau")  # logs in through the form (an admin would need the second factor)
    type(user).objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher=PBKDF2PasswordHasher()))
    _visits(user, 50)
    closed = _free_port()  # nothing listens there
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        # Redis down: the broker AND the shared cache (REDIS_URL) at a port where nothing listens.
        cwd=ROOT, env={**env, "CELERY_BROKER_URL": "", "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
                       "DASHBOARD_CACHE_SECONDS": "30", "DEBUG": "1"},
        stdout=(tmp_path / "server.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        browser = requests.Session()

        def up():
            try:
                return browser.get(f"{base}/accounts/login/", timeout=30).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                return False
        _wait(up, 60, "the web server")
        login = browser.post(f"{base}/accounts/login/", data={
            "username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False, timeout=30)
        assert login.status_code == 302, login.text[:2000]
        for path in ("/", "/clients/", "/reports/exports/"):
            assert browser.get(base + path, timeout=30).status_code == 200, path
        started = time.monotonic()
        response = browser.post(f"{base}/reports/exports/", data={
            "year": 2023, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{base}/reports/exports/"}, timeout=30)
        assert response.status_code == 200 and time.monotonic() - started < 10
        assert "任务队列暂时不可用" in response.text
        job = ExportJob.objects.get(user=user)
        assert (job.status, job.sent_at) == ("queued", None)
        assert browser.get(f"{base}/reports/exports/{job.pk}/progress/", timeout=30).status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    # Redis is back: the beat entry sends it again, a worker runs it.
    workers("w1")
    subprocess.run([sys.executable, "manage.py", "run_scheduled", "jobs-requeue"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    _statuses(ExportJob, job.pk, "done", 120)
    job.refresh_from_db()
    assert job.status == "done" and len(_export_rows(job)) == 50
