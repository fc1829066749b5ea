"""gunicorn settings of the portal (docs/deployment.md). Values come from the environment
so that one file serves a county server and each app server of a city install."""

import multiprocessing
import os

# nginx talks to gunicorn over a local socket; nothing else reaches it.
bind = os.environ.get("GUNICORN_BIND", "unix:/run/portal/gunicorn.sock")
# Requests are short and mostly database-bound: 2 × cores + 1 sync workers, threads for the
# slow exports and uploads.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
# Roster imports and the annual workbook can take a while; anything longer runs as a job.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Load the app once and fork: faster restarts, less memory.
preload_app = True
# Logs go to journald through stdout/stderr; the access log format carries the client IP
# that nginx forwards.
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# The proxy headers are trusted from nginx on this host only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
