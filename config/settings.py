"""Settings for the 社工站管理平台, read from the environment (cookiecutter-django style).

Local runs need nothing set: SQLite in var/, a generated secret key in var/secret_key.
Production sets the variables listed in deploy/production.env.example.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key():
    """A random key kept in var/ so that a local install never runs on a published default."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # the core, then the apps in layer order: each imports only from those above it in this list
    # (pyproject.toml's import-linter contracts check it)
    "portal",
    "stations",
    "accounts",
    "clients",
    "partners",
    "services",
    "training",
    "funding",
    "reports",
    "journal",
]

MIDDLEWARE = [
    "accounts.auth.ProxyClientIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.auth.SessionTimeoutMiddleware",
    "accounts.auth.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.auth.NoStoreMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# A city install may add a streaming replica (docs/deployment.md). No router sends reads there
# implicitly — the figures rollup reads its own writes — heavy read-only work (large exports)
# names it: Visit.objects.using(settings.REPORTS_READ_DATABASE).
REPORTS_READ_DATABASE = "default"
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    REPORTS_READ_DATABASE = "replica"
# No parallel query on the portal's own PostgreSQL connections (DATABASE_PARALLEL_WORKERS, the
# max_parallel_workers_per_gather of each session; default 0): a page's queries are short, and
# on a small server the two workers PostgreSQL launched for a county's list (the worklist, a
# month of visits, open needs) cost 8 ms of start-up each time and took the cores the other
# requests were using (make bench, crawl_worst_page: docs/scaling.md, "Parallel query"). A
# reports replica (DATABASE_REPLICA_URL, the large exports) keeps the server's setting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _workers = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
    _options["options"] = f"{_options.get('options', '')} -c max_parallel_workers_per_gather={_workers}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}

# The figures rollup (docs/scaling.md): "read" recomputes the dirty cells a dashboard or report
# reads (exact at once; a county), "worker" leaves them to the beat entry "figures-refresh"
# below, run by the Celery worker (a city: no read waits for a recount). A dashboard body is kept DASHBOARD_CACHE_SECONDS per
# user and filter (0: never). A saved record shows within the two together.
FIGURES_REFRESH = os.environ.get("FIGURES_REFRESH", "read")
if FIGURES_REFRESH not in {"read", "worker"}:
    raise ImproperlyConfigured("FIGURES_REFRESH must be 'read' or 'worker'.")
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "0"))

# --- Background work: Celery (config/celery.py, docs/operations.md) ----------------------
# Redis is the broker: CELERY_BROKER_URL, else REDIS_URL (the shared cache's server). With
# neither, every task runs eagerly in the process that sends it (`make run` needs nothing
# else): an export or a big roster import then runs inside the request that started it, after
# its transaction commits, and no beat entry runs unless `manage.py run_scheduled` is called
# (README "Background work").
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True  # the job rows are the record of the work, not a result backend
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long export never holds a second message hostage
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", 2 * 3600))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# A message unacknowledged this long (its worker was killed) is handed to another worker.
# Longer than the longest task: a 1M-row export takes minutes (bench/).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3 * 3600)),
    "socket_connect_timeout": 2,
    "max_retries": 0,  # a web request that cannot reach the broker does not wait for it
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that cannot reach the broker does not wait: the job stays queued and the beat
# entry "jobs-requeue" sends it again when Redis is back.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ROUTES = {"reports.export": {"queue": "jobs"}, "clients.roster_import": {"queue": "jobs"}}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A running job whose worker has not reported for this long is taken over by the next delivery
# of its message (the worker died; docs/operations.md "Recover").
BACKGROUND_JOB_STALE_SECONDS = int(os.environ.get("BACKGROUND_JOB_STALE_SECONDS", 300))
# A queued job whose message was sent this long ago and never picked up is sent again.
BACKGROUND_JOB_RESEND_SECONDS = int(os.environ.get("BACKGROUND_JOB_RESEND_SECONDS", 600))
# Finished exports' files are deleted after this many days (the job row stays, "expired").
EXPORT_FILE_DAYS = int(os.environ.get("EXPORT_FILE_DAYS", 7))
# Used visit-form tokens (services.models.FormToken) are kept this long: a form older than
# this cannot be posted twice anyway (its page has long been reloaded).
FORM_TOKEN_DAYS = int(os.environ.get("FORM_TOKEN_DAYS", 7))
# A roster import commit of more rows than this runs as a background job with progress.
ROSTER_BACKGROUND_ROWS = int(os.environ.get("ROSTER_BACKGROUND_ROWS", 2000))
# Celery beat (deploy/portal-beat.service): one schedule, in code. `manage.py run_scheduled` runs every entry once (eager installs, operations).
CELERY_BEAT_SCHEDULE = {
    "figures-refresh": {"task": "reports.figures_refresh", "schedule": float(os.environ.get(
        "FIGURES_REFRESH_SECONDS", 5)), "options": {"expires": 30}},
    "jobs-requeue": {"task": "reports.jobs_requeue", "schedule": 60.0, "options": {"expires": 60}},
    "export-files-expire": {"task": "reports.export_files_expire", "schedule": 3600.0},
    "form-tokens-purge": {"task": "services.form_tokens_purge", "schedule": 3600.0},
    "roster-previews-purge": {"task": "clients.roster_previews_purge", "schedule": 3600.0},
    "idempotency-keys-purge": {"task": "accounts.idempotency_keys_purge", "schedule": 3600.0},
    # the notifications of the social worker's loop (reports.notices, issue 16): once a day
    "notifications-daily": {"task": "reports.notices_daily", "schedule": crontab(hour=6, minute=30)},
}

# --- Accounts (SECURITY.md "Accounts and sessions") -------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.auth.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.auth.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},  # message in Chinese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.auth.CharacterClassValidator"},
]
LOGIN_URL = "login"
# A worker managing more open cases than this gets a warning (not a refusal) when a case is
# opened for them or handed to them (services.services.caseload_warning). Env: CASELOAD_SOFT_LIMIT.
CASELOAD_SOFT_LIMIT = int(os.environ.get("CASELOAD_SOFT_LIMIT", "25"))
# The daily digest of notifications by e-mail (reports.notices.daily_digest): off by default,
# government intranets often have no mail server. Django's EMAIL_* settings apply when on.
NOTIFICATION_EMAIL = env_bool("NOTIFICATION_EMAIL", False)
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")  # the links in the e-mails, e.g. https://portal.example
LOGIN_REDIRECT_URL = "/services/start/"  # station staff land on "my day" (services.views.LandingView)
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = 12 * 60 * 60          # absolute lifetime: 12 hours
SESSION_IDLE_TIMEOUT = 30 * 60             # idle timeout: 30 minutes
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5                     # hours
# Lock a username *at an address*: a whole town office shares one IP address (so not by IP
# alone), and five bad requests from anywhere must not lock the administrator out for everyone
# (so not by username alone). Guessing from many addresses is slowed by the per-address
# throttles (DRF's auth_token rate, nginx's limit_req on the login page and the token endpoint).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Trusted reverse proxies in front of gunicorn (nginx: 1); accounts.auth.ProxyClientIPMiddleware
# then puts the client's own address in REMOTE_ADDR for the access log and the audit history.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_VERBOSE = False
# (axes.W006 warned about not locking by IP alone; the combination above is deliberate.
# models.W040: the registry's covering indexes (INCLUDE, clients migrations 0013-0015) serve
# PostgreSQL's index-only scans; SQLite, the embedded default, builds them without the extra
# columns, which is all it can use: every manage.py command warned of it.)
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]

# --- HTTPS and headers (check --deploy) ---------------------------------------------------
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000)) if HTTPS else 0  # HSTS means nothing over plain http
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from our own origin, no inline script or
# style anywhere ('unsafe-inline' is never allowed), no framing, no plugins. data: images are
# Bootstrap's form-control icons (SVG data URIs in its CSS) and swagger-ui's.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Second factor (TOTP, django-otp) -----------------------------------------------------
# Anyone may enrol an authenticator app at /accounts/2fa/; once enrolled they are asked for a
# code at every login. REQUIRE_ADMIN_2FA=1 makes it compulsory for bureau admins and superusers.
REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "社工站管理平台")

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: npm packages served by Django through whitenoise, never a CDN ----------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
    # the offline app (docs/security.md "On the phone"): Workbox's browser builds, loaded by
    # workbox-sw inside /sw.js, and Dexie for IndexedDB in the page
    ("vendor/workbox-sw", NODE_MODULES / "workbox-sw" / "build"),
    ("vendor/workbox-core", NODE_MODULES / "workbox-core" / "build"),
    ("vendor/workbox-routing", NODE_MODULES / "workbox-routing" / "build"),
    ("vendor/workbox-strategies", NODE_MODULES / "workbox-strategies" / "build"),
    ("vendor/dexie", NODE_MODULES / "dexie" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env_bool("STATIC_MANIFEST", True)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Activity photos are served by a view that checks the user's scope; with 1 it hands the file
# to nginx (X-Accel-Redirect to the `internal` /media/activities/ of deploy/nginx.conf).
MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT", False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", 20 * 1024 * 1024))

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.auth.SecondFactorTokenAuthentication",  # refused to accounts that owe a TOTP code
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only, in every environment: DRF's browsable API is a second HTML interface whose
    # templates write inline styles and scripts, which the Content-Security-Policy blocks (a CSP
    # error on every API URL opened in a browser, issue 22). The API is read and tried out in
    # /api/docs/ (Swagger UI, the same session login), which runs under the policy.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "auth_token": "10/min"},
    # every text checked for control characters, JSON depth capped (portal.api.parsers)
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "portal.api.parsers.FormParser",
        "portal.api.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社工站管理平台 API",
    "DESCRIPTION": "Scoped REST API of the social-work station portal. Every list answers only "
    "within the caller's stations; records outside the scope answer 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # swagger-ui comes from npm like every other front-end library (no CDN on an intranet)
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "img/favicon.svg",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set: several models have a "kind" or "stage" field with
    # choices of their own, which drf-spectacular would otherwise name Kind904Enum etc.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "stations.choices.OrganisationKind",
        "VisitKindEnum": "services.choices.VisitKind",
        "ActivityKindEnum": "services.choices.ActivityKind",
        "ResourceKindEnum": "services.choices.ResourceKind",
        "CaseStageEnum": "services.choices.CaseStage",
        "ExpertKindEnum": "training.choices.ExpertKind",
        "EntitlementKindEnum": "training.choices.EntitlementKind",
        "TargetKindEnum": "funding.choices.TargetKind",
        "EvaluationStageEnum": "funding.choices.EvaluationStage",
    },
    # `check --deploy` is about deployment settings; the schema itself is generated and
    # exercised on every operation by tests/trust/test_api_fuzz.py (schemathesis).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.version_required_on_update",  # the one optimistic lock: PUT/PATCH need `version`
        "portal.api.schema.document_error_responses",  # the 400/403/404 every operation can answer
        "portal.api.schema.document_idempotency_key",  # every POST takes an Idempotency-Key (409 on reuse)
        "portal.api.schema.empty_filters_mean_any",  # `?kind=` filters nothing, as on the web lists
    ],
    # The schema describes every endpoint and field: only to logged-in users (the docs page
    # itself is behind login_required in config/urls.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}

# --- Uploads and tokens (issue 21) --------------------------------------------------------
# The roster import's caps (clients.roster.LIMITS; README: at most 100,000 rows a file), any
# of which this dict overrides; uncommitted import previews (full ID numbers) are deleted
# after ROSTER_PREVIEW_TTL_HOURS (on each new upload and by `manage.py purge_roster_previews`).
ROSTER_LIMITS = {}
ROSTER_PREVIEW_TTL_HOURS = 24
# Activity photos: JPEG, PNG or WebP by content (services.models.validate_photo), at most this size.
MAX_PHOTO_SIZE = 10 * 1024 * 1024
# API tokens expire this many hours after they were issued (accounts.auth.token_expired); a
# password change or a disabled account revokes them at once.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", 24 * 30))
# An Idempotency-Key of a POST is honoured this many hours (portal.api.idempotency); older keys
# are deleted by `manage.py purge_idempotency_keys` (daily cron, docs/operations.md).
API_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("API_IDEMPOTENCY_TTL_HOURS", 24))

# --- Offline app (issue 17; docs/security.md "On the phone") -----------------------------
# A station worker's phone keeps its station's roster (no ID or phone numbers) and the records
# saved with no network in IndexedDB; everything is wiped at logout and when the phone has not
# reached the portal for this many days (the page reads it from its data attributes).
OFFLINE_WIPE_AFTER_DAYS = int(os.environ.get("OFFLINE_WIPE_AFTER_DAYS", 7))
# The roster and "my day" refresh on open and then every this many minutes while online.
OFFLINE_REFRESH_MINUTES = int(os.environ.get("OFFLINE_REFRESH_MINUTES", 5))
