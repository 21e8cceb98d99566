"""Settings, read from the environment. Debug is off unless DJANGO_DEBUG=1 says otherwise (fail closed).

Local development: `make run` and `make test` switch debug on themselves (the Makefile exports
DJANGO_DEBUG=1; the test suite loads config.settings_test); a manage.py command typed by hand needs
DJANGO_DEBUG=1 in front of it. With debug on: SQLite file, development secrets.
With debug off (production, or anything that forgot DJANGO_DEBUG) the site refuses to start without
its secrets, and refuses the development secrets, which are in the repository.
"""
from pathlib import Path
import ipaddress
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks; a typo stops the start rather than trusting nothing quietly."""
    entries = [entry.strip() for entry in os.environ.get(name, "").split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an IP address or network.") from None
    return entries


LOCAL_USE = "For local development, set DJANGO_DEBUG=1 instead (make run and make test do)."


def env_secret(name: str, dev_default: str) -> str:
    """A secret from the environment; the development default (public: it is in the repository) only in debug."""
    value = os.environ.get(name, "")
    if DEBUG:
        return value or dev_default
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is off (production). Set it to a long random string. {LOCAL_USE}"
        )
    if value == dev_default:
        raise ImproperlyConfigured(
            f"{name} is the development key, which is published in the repository; it cannot be used with "
            f"DJANGO_DEBUG off. Set it to a long random string. {LOCAL_USE}"
        )
    return value


# Off unless asked for: a deployment that forgets the variable must not show tracebacks and settings
# to visitors, nor key pupils with the published development key.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-do-not-use-in-production")
# Keys pupil identifiers (HMAC-SHA256); changing it breaks linking of pupils across uploads.
PSEUDONYM_KEY = env_secret("PSEUDONYM_KEY", "dev-only-pseudonym-key")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "").split(",")
    if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "research",
    "api",
    "frontend",
    # Background jobs through the Tasks API (django-tasks: the backport of Django 6's django.tasks).
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "config.security.RefuseNulInQueryMiddleware",
    "config.security.SignInFormThrottleMiddleware",
]

if not DEBUG:
    # Serves collected static files in production; in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,  # a kept connection the server dropped is replaced, not an error
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        # Wait for a write lock instead of failing at once when two requests write together.
        "timeout": 20,
        # WAL lets pages read while an import writes; a 64 MB page cache keeps the pupil-key
        # index in memory during large imports.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    })

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: evidence downloads go through the API's access rules
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "/login/"

# Results and charts are cached under a fingerprint of their data, so entries never go stale;
# the timeout only bounds memory. REDIS_URL shares the cache between server processes.
RESULTS_CACHE_SECONDS = env_int("RESULTS_CACHE_SECONDS", 3600)
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 2000}}}

# Background jobs (large imports): the Tasks API with the database backend and its worker
# (`manage.py run_worker`, which `make run` starts beside the server), or Redis/RQ when the site runs
# on several machines (TASKS_BACKEND=rq, REDIS_URL). Application code uses only the Tasks API
# (research/tasks_api.py), so Django 6's django.tasks takes these same settings.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower() or "database"
if TASKS_BACKEND not in {"database", "rq"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'rq', not {TASKS_BACKEND!r}.")
if TASKS_BACKEND == "rq":
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# RQ's queues (used only with TASKS_BACKEND=rq). An import job may take minutes: RQ's default is 3.
RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
# Outcome files with more rows than this are imported by a background job (202 and a job to poll).
IMPORT_JOB_ROWS = env_int("IMPORT_JOB_ROWS", 50_000)
# A finished job's report (encrypted) is kept this long for the page to show, then deleted.
IMPORT_JOB_KEEP_HOURS = env_int("IMPORT_JOB_KEEP_HOURS", 24)

# Email (notifications, issue 14): the console in development, SMTP in production. Sent by background
# tasks (research/services/notification_emails.py); daily digests by `manage.py send_digests` from cron.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Action research <noreply@localhost>")
# The site's address as people reach it: emails link to it ("https://research.example.org").
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Limits on what a user may send.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
OUTCOME_MAX_BYTES = env_int("OUTCOME_MAX_BYTES", 20 * 1024 * 1024)
OUTCOME_MAX_ROWS = env_int("OUTCOME_MAX_ROWS", 200_000)
# What the outcome readers take on inside a file (issue 11): beyond these an upload is refused with a 400.
OUTCOME_MAX_COLUMNS = env_int("OUTCOME_MAX_COLUMNS", 500)
OUTCOME_MAX_CELL_CHARS = env_int("OUTCOME_MAX_CELL_CHARS", 32_767)  # Excel's own limit for one cell
OUTCOME_MAX_CELLS = env_int("OUTCOME_MAX_CELLS", 1_000_000)  # cells parsed in an .xlsx: bounds the time
OUTCOME_MAX_UNZIPPED_BYTES = env_int("OUTCOME_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
# Django refuses bodies above this before any view runs; keep it above the upload limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(EVIDENCE_MAX_BYTES, OUTCOME_MAX_BYTES) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Proxies whose X-Forwarded-For is believed when counting sign-in attempts per address
# (api.throttles.client_address): comma-separated IPs or networks. None by default: the address
# that connected is the client's.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous request is answered 401 (with WWW-Authenticate), not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],  # api/permissions.py
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["api.filter_backend.QueryFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {
        "sign_in": os.environ.get("THROTTLE_SIGN_IN", "10/min"),
        "uploads": os.environ.get("THROTTLE_UPLOADS", "120/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Collaborative action research API",
    "DESCRIPTION": "Cross-school research projects, their three stages, evidence and findings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
    "PATH_CONVERTER_OVERRIDES": {  # the converters of api/converters.py, as the schema describes them
        "id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999},
        "chartname": {"type": "string", "pattern": "^[a-z]{1,20}$"},
        "chartfmt": {"type": "string", "enum": ["svg", "png", "json", "csv"]},
        "tablefmt": {"type": "string", "enum": ["csv", "json"]},
    },
    "ENUM_NAME_OVERRIDES": {
        "MeasureKindEnum": "research.models.choices.MeasureKind",
        "EvidenceKindEnum": "research.models.choices.EvidenceKind",
        "ProjectPhaseEnum": "research.models.choices.Phase",
        "SchoolPhaseEnum": "research.models.choices.SchoolPhase",
        "FollowKindEnum": "research.models.publication.FollowKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
