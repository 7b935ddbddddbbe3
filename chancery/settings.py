"""Chancery settings, read from the environment.

Nothing needs setting for `make run`: the defaults give a development instance on a SQLite
file with Celery tasks run in-process. Production (CHANCERY_ENV=production) refuses to start
without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import datetime
from pathlib import Path

import orjson
from django.core.exceptions import ImproperlyConfigured

from chancery.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_replica_databases,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# The real datasets shipped with the project (load_datasets), each folder with a SOURCE.md.
DATA_DIR = BASE_DIR / "data"

CHANCERY_ENV = env_choice("CHANCERY_ENV", "development", ("development", "production"))
PRODUCTION = CHANCERY_ENV == "production"

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])

if PRODUCTION:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when CHANCERY_ENV=production"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when CHANCERY_ENV=production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when CHANCERY_ENV=production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "imports",
    "directory",
    "visits",
    "agreements",
    "trade",
    "timelines",
    "editorial",
    "intake",
    "demo",
    "datasets",
    # Last: the kernel's post_migrate handler assigns the permissions of all the apps above.
    # Its app label is "chancery" (core/apps.py), so databases made before the kernel moved
    # out of the chancery package keep their tables and migration history.
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the path or query string is a 400 before it can reach a query.
    "core.request_guard.RefuseNulBytesMiddleware",
    # A database out of reach (restarting, say) answers 503 with Retry-After, not a 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    # Which database this request reads from, when there are replicas (DATABASE_REPLICA_URLS).
    "core.replicas.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A body over its route's limit is a 413 before it is read (after authentication: an upload
    # route takes a larger body from a signed-in user; nothing reads a body before process_view).
    "core.request_guard.LimitRequestBodyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request's user on every audit-history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: counts failed logins and locks out repeated guessing.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the app, each appending to X-Forwarded-For: the client is the
# address that many from the right (core.client_ip); 0: REMOTE_ADDR, the header ignored. The
# lockout and the API's rate limits read the address there. AXES_PROXY_COUNT: its old name.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0, minimum=0), minimum=0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

# Content-Security-Policy: scripts only from our own static files (no inline scripts, no
# CDN); inline style attributes stay allowed for the admin and the vendored widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "chancery.urls"
WSGI_APPLICATION = "chancery.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chancery.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several threads (runserver, the in-process worker in tests) share the file: wait for
    # locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    # A persistent connection the server dropped (a restart) is replaced at the next request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL streaming replicas for reads (core/replicas.py): analysts' pages, API GETs and CSV
# exports read from one; writes, a request that writes, a client's reads for a few seconds after
# its own write, transactions, workers and commands use the primary. A replica out of reach is
# left alone for REPLICA_RETRY_SECONDS.
DATABASES |= env_replica_databases("DATABASE_REPLICA_URLS", DATABASES["default"])
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10, minimum=0)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30, minimum=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

LANGUAGE_CODE = "en-gb"
# Dates are typed as ISO (2017-02-28) on the pages and in the admin: Django 5 always takes
# input formats from the locale, so the ISO ones are set in our en_GB format module.
FORMAT_MODULE_PATH = ["chancery.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT") or BASE_DIR / "staticfiles"
# Development serves files straight from the finders; production serves the collected copy.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis: broker for Celery and the shared cache. Without it tasks run in-process, which is
# what `make run` wants on a laptop; production always sets it.
REDIS_URL = env_redis_url("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set when CHANCERY_ENV=production")
# Where the API's rate limits are counted (core.api.throttling): Redis, shared by every process.
API_RATE_STORAGE_URL = REDIS_URL or "memory://"

if REDIS_URL:
    # django-redis keeps one redis-py client per process (Django's own backend builds one per
    # operation: an eighth of a flows page's instructions). Short timeouts: a Redis that drops
    # packets must not hang requests (the app serves without its cache, logged, until it answers).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Tasks here are idempotent (they take ids and recompute), so a task whose worker dies is
# safely run again rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
# Redis redelivers unacknowledged tasks after this; keep it above the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Security. Production gets the full set; development keeps plain HTTP working on 127.0.0.1.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS])

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded import files are stored here; the worker reads them, so in production this must be
# storage that web and worker share (a volume in docker-compose.yml).
MEDIA_ROOT = env_str("MEDIA_ROOT") or VAR_DIR / "media"
MEDIA_URL = "media/"
IMPORT_UPLOAD_MAX_BYTES = env_int("IMPORT_UPLOAD_MAX_BYTES", 200 * 1024 * 1024, minimum=1)
# The routes that take a file (by URL name) and their largest file (a draft: agreements.drafts).
# A signed-in user may send them a body of that file, DATA_UPLOAD_MAX_MEMORY_SIZE of fields and the
# multipart framing; any other body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (core.request_guard).
UPLOAD_ROUTES = {"edit-draft": 5 << 20, "admin:imports_importrun_add": IMPORT_UPLOAD_MAX_BYTES, "intake-new": 10 << 20}

# Importers an editor can run from the admin, by ImportRun.importer name.
# The apps whose models are Chancery's records: what the roles give access to (core.roles),
# what a backup holds (core.backup).
CHANCERY_CONTENT_APPS = ("directory", "visits", "agreements", "trade", "timelines", "intake")

CHANCERY_IMPORTERS = {
    "hsg-travels": "visits.importers.HsgTravelsImporter",
    "hsg-visits": "visits.importers.HsgVisitsImporter",
    "trade": "trade.importers.TradeImporter",
}

# Editors' review queue: an agreement whose status has not moved for this long is listed.
REVIEW_STALE_AGREEMENT_DAYS = env_int("REVIEW_STALE_AGREEMENT_DAYS", 180, minimum=1)

# Backups (export_data) keep timestamps to the microsecond; Django's "json" cuts them to milliseconds.
SERIALIZATION_MODULES = {"exact_json": "core.exact_json"}

# --- API ---------------------------------------------------------------------------------------
# Anonymous visitors may read the API only when this is on; off by default.
API_ANONYMOUS_READ = env_bool("API_ANONYMOUS_READ", False)
API_MAX_PAGE_SIZE = 1000
KNOX_TOKEN_MODEL = "chancery.ApiToken"
# knox's own migrations create its default token table even when the model is swapped for
# ours, and that orphan table then blocks flushes. Chancery's migrations create the table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env_int("API_TOKEN_TTL_DAYS", 365, minimum=1)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "chy_",  # recognisable in logs and secret scanners
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
        "core.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # orjson, refusing bodies over DATA_UPLOAD_MAX_MEMORY_SIZE as Django does for forms.
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.SafeFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonymousRateThrottle",
        "core.api.throttling.ClientRateThrottle",
    ],
    # Addresses as core.client_ip reads them (the throttles ask it; DRF's own get_ident agrees).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env_str("API_ANONYMOUS_RATE", "60/min"),
        "client": env_str("API_CLIENT_RATE", "1200/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ChanceryAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
    # Datetimes handed to the renderer as they are (the bulk lists skip serializers) come out
    # as DRF writes them: ISO 8601 in UTC with "Z".
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chancery API",
    "DESCRIPTION": "Visits, agreements, negotiation topics, trade figures and timelines between states, each fact tied to its sources.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are served as the API is: to signed-in readers (or to anyone when
    # API_ANONYMOUS_READ is on), not to every visitor.
    "SERVE_PERMISSIONS": ["core.api.permissions.RolePermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "core.dates.DatePrecision",
        "CitationStanceEnum": "directory.models.Citation.Stance",
        "TopicStanceEnum": "visits.models.TopicStance.Stance",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
}

# --- Timelines: refresh jobs, their schedule and the worker's reliability settings -------------
# (the timelines app owns this block; see README "Timelines, worker and beat")
# Beat reads its schedule from the database, so users with the admin role change it in the
# admin (Periodic tasks); the defaults are created by a timelines data migration. Above
# "core", whose post_migrate handler gives the admin role its permissions.
INSTALLED_APPS.insert(INSTALLED_APPS.index("core"), "django_celery_beat")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Units per reconciliation batch: one transaction and one task each.
TIMELINE_REFRESH_BATCH_SIZE = env_int("TIMELINE_REFRESH_BATCH_SIZE", 500, minimum=1)
# A reconciliation run with no batch finished and nothing sent for this long (seconds) has
# lost a batch's message; its unfinished batches are sent again (timelines.reconcile.stalled_runs).
# Longer than the visibility timeout, after which a dead worker's held message comes back
# by itself, plus the transport's restore cadence.
TIMELINE_RUN_STALLED_AFTER = env_int("TIMELINE_RUN_STALLED_AFTER", CELERY_TASK_TIME_LIMIT * 2 + 300, minimum=1)
# A worker that loses the broker stops its running tasks rather than finishing them
# unacknowledged; with late acknowledgement they are delivered again (they are idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Give up connecting to the broker quickly: a web request that queues a refresh must not hang
# while Redis is down (the refresh then waits in the outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The worker tests run a real `celery worker` process against the test database, so SQLite's
# test database is a file beside the main one rather than in this process's memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite = Path(DATABASES["default"]["NAME"])
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(_sqlite.with_name(f"test_{_sqlite.name}")))
from chancery.settings_intake import *  # noqa: E402,F403 - news intake (issue 18); settings.py is at its length limit
