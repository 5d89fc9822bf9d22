"""Navigator settings: one module, driven by environment variables.

Defaults run on a laptop (DEBUG on, SQLite under var/, eager tasks unless REDIS_URL is set;
`make run` and `make test` set REDIS_URL to an embedded Redis). Every variable is listed in
.env.example and in the README.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from navigator.config import database_from_url, secret_key_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# ENV_FILE="" disables reading a .env file (the settings tests rely on this).
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    environ.Env.read_env(_env_file)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = secret_key_from_env(env.str("SECRET_KEY", default=""), debug=DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with Navigator's site: no admin page without a second factor.
    "screening.apps.NavigatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "formtools",
    "simple_history",
    "django_countries",
    # Only for its system checks; the intake calls django_ratelimit.core directly.
    "django_ratelimit",
    # Staff second factor: authenticator apps (TOTP) and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Sign-in lockout (per user and per address).
    "axes",
    # The referring hospitals' API (screening/api/) and its OpenAPI schema and docs page.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "screening",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, so static files are not affected; above everything else, so every
    # page, error and refusal is covered: Cache-Control no-store unless a view says otherwise,
    # and the Content-Security-Policy.
    "screening.middleware.PrivateByDefaultMiddleware",
    "csp.middleware.CSPMiddleware",
    # The page's language: the person's choice (cookie), else the browser's, else English;
    # staff pages always English. Pages about one draft or case use its language instead.
    "screening.middleware.PatientLanguageMiddleware",
    # Refuses over-large requests (friendly 413) before anything reads the body.
    "screening.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end after STAFF_IDLE_TIMEOUT seconds without a request, and at browser
    # close. After MessageMiddleware, so the sign-in page can say why.
    "screening.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the case history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "navigator.urls"
WSGI_APPLICATION = "navigator.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'navigator.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Local time (TIME_ZONE, DIGEST_HOUR), Redis: broker, result backend and cache -----------
# (navigator/celery_config.py)
from navigator.celery_config import *  # noqa: E402, F403
from navigator.celery_config import DIGEST_HOUR, REDIS_URL  # noqa: E402

# Periodic jobs are rows in the database (django-celery-beat), editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Synced into those rows when beat starts. `expire_seconds` (django-celery-beat's name for
# Celery's `expires`, which it ignores) drops a run nobody picked up in time (the next one
# comes soon) instead of letting them pile up while workers are down.
CELERY_BEAT_SCHEDULE = {
    # screening/pipeline/sweeper.py: re-enqueue stuck cases, emails and documents.
    "sweep-pipeline": {
        "task": "screening.sweep_pipeline_task",
        "schedule": 60.0,
        "options": {"expire_seconds": 55},
    },
    # screening/pipeline/bulk_rescreen.py: cheap when nothing changed (one query); after a
    # deploy with new rules (or a new derivation) it starts the bulk re-screen of open cases.
    "rescreen-open-cases": {
        "task": "screening.start_rescreen_task",
        "schedule": 3600.0,
        "options": {"expire_seconds": 3000},
    },
    # screening/trials/catalogue.py: the recruiting set from ClinicalTrials.gov, weekly; a
    # study that stopped recruiting is marked. Changes re-match open cases in batches.
    "refresh-trials": {
        "task": "screening.refresh_trials_task",
        "schedule": 7 * 24 * 3600.0,
        "options": {"expire_seconds": 24 * 3600},
    },
    # screening/labels/watch.py: each label's current version on DailyMed, for the leads.
    "check-labels": {
        "task": "screening.check_labels_task",
        "schedule": 7 * 24 * 3600.0,
        "options": {"expire_seconds": 24 * 3600},
    },
    # screening/trials/matching.py: open cases not yet matched against the current catalogue
    # (one query when there are none).
    "rematch-trials": {
        "task": "screening.rematch_trials_task",
        "schedule": 3600.0,
        "options": {"expire_seconds": 3000},
    },
    # screening/intake/submit.py: expired intake drafts and their uploaded files.
    "purge-expired-drafts": {
        "task": "screening.purge_expired_drafts_task",
        "schedule": 3600.0,
        "options": {"expire_seconds": 3000},
    },
    # screening/triage/digest.py: each coordinator's new, due-today and overdue cases, and the
    # leads' team view, at DIGEST_HOUR local time (TIME_ZONE); once per person and local day.
    "daily-digest": {
        "task": "screening.send_daily_digests_task",
        "schedule": crontab(minute=0, hour=DIGEST_HOUR),
        "options": {"expire_seconds": 4 * 3600},
    },
    # screening/core/idempotency.py: the API's stored first responses, kept 7 days.
    "purge-idempotency-records": {
        "task": "screening.purge_idempotency_records_task",
        "schedule": 3600.0,
        "options": {"expire_seconds": 3000},
    },
    # screening/documents/retention.py: documents of cases closed DOCUMENT_RETENTION_DAYS ago.
    "purge-expired-documents": {
        "task": "screening.purge_expired_documents_task",
        "schedule": 24 * 3600.0,
        "options": {"expire_seconds": 12 * 3600},
    },
}

# --- Screening pipeline (screening/pipeline/screen.py and friends) -------------------------
# Seconds after which the sweeper re-enqueues a case still submitted or being screened. Above
# the task hard time limit (300 s), so a task that is merely running is not duplicated.
SCREENING_STUCK_AFTER = env.int("SCREENING_STUCK_AFTER", default=600)
# clamd for virus scanning uploads: a Unix socket path or tcp://host:port. Empty: files are
# marked "not scanned". A positive result or an unreachable scanner quarantines the file.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
# Whether coordinators may download documents that were never scanned (no scanner configured).
# Off by default in production, so without CLAMD_SOCKET files are read through their extracted
# text only; turning it on there raises the system check warning screening.W003.
ALLOW_UNSCANNED_DOWNLOADS = env.bool("ALLOW_UNSCANNED_DOWNLOADS", default=DEBUG)
CLAMD_TIMEOUT = 30
# Seconds a PDF may take to parse (in a capped child process) before it is marked unreadable.
PDF_TEXT_TIME_LIMIT = env.float("PDF_TEXT_TIME_LIMIT", default=20.0)
# Seconds OCR of one scan or photo may take (Tesseract, in the same capped child) before it is
# stopped and the document marked unreadable. With PDF_TEXT_TIME_LIMIT it must stay below the
# task's soft time limit (240 s): a PDF without a text layer is parsed first, then read by OCR.
OCR_TIME_LIMIT = env.float("OCR_TIME_LIMIT", default=120.0)

# --- Investigational programs (screening/trials/) --------------------------------------------
# The ClinicalTrials.gov API v2 base URL (tests point it at a local server).
CTGOV_BASE_URL = env.str("CTGOV_BASE_URL", default="https://clinicaltrials.gov/api/v2")
# Seconds between two requests to the registry (about 50 a minute is the polite ceiling).
CTGOV_MIN_INTERVAL = env.float("CTGOV_MIN_INTERVAL", default=1.2)
CTGOV_RETRIES = 4
CTGOV_TIMEOUT = 30.0
# Open cases re-matched per task when the catalogue changes.
TRIAL_REMATCH_BATCH = 500

# --- The label watch (screening/labels/) and the bulk re-screen (pipeline/bulk_rescreen.py) ----
# DailyMed's web services and the seconds one answer may take (README "Label watch"); open
# cases per re-screen batch (one transaction) and worker processes per re-screen job.
DAILYMED_BASE_URL = env.str(
    "DAILYMED_BASE_URL", default="https://dailymed.nlm.nih.gov/dailymed/services/v2"
)
DAILYMED_TIMEOUT = env.float("DAILYMED_TIMEOUT", default=10.0)
RESCREEN_BATCH = env.int("RESCREEN_BATCH", default=500)
RESCREEN_WORKERS = env.int("RESCREEN_WORKERS", default=2)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "navigator",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds each /healthz probe may take; the whole request stays bounded.
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=0.5)

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
# Relative paths are relative to the repository root, not to the working directory.
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="var/static")
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    # WhiteNoise warns on every request when STATIC_ROOT is missing; locally it stays empty.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# Uploads are private: they are never under STATIC_ROOT or any served path (system check
# screening.E002), and are only ever streamed by a view that checks permissions.
PRIVATE_MEDIA_ROOT = BASE_DIR / env.str("PRIVATE_MEDIA_ROOT", default="var/private-media")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {
        # The manifest storage needs collectstatic, which production runs at deploy time.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# WhiteNoise's own list plus source maps: only a developer's tools fetch them, and brotli on the
# API docs' 6 MB of maps was most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
)

# Upload limits. Each file at most MAX_UPLOAD_BYTES (checked on the bytes, screening/documents/
# uploads.py); a whole request at most MAX_REQUEST_BYTES, refused from its Content-Length before
# the body is read (screening.middleware.RequestSizeLimitMiddleware, a friendly 413 page).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=100 * 1024 * 1024)
# Images are decoded and encoded again before they are stored; larger ones are refused (a
# 50-megapixel photo needs about 200 MB to decode, inside the probe's 1 GB cap).
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
# PDFs with active content (JavaScript, Launch, embedded files, XFA) are stored cleaned; keep
# the file as received too (private storage, never served) only when this is on.
KEEP_ORIGINAL_PDFS = env.bool("KEEP_ORIGINAL_PDFS", default=False)
# Retention: the documents of a case closed more than this many days ago are deleted (the case
# row, its answers and timeline stay); 0 keeps them for ever (a legal hold).
DOCUMENT_RETENTION_DAYS = env.int("DOCUMENT_RETENTION_DAYS", default=365)
if DOCUMENT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("DOCUMENT_RETENTION_DAYS must be 0 (keep) or a number of days.")
# Form fields (not files) of one request; Django answers more with RequestDataTooBig (a 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Files above this are spooled to a temporary file instead of kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Several files per category, up to 30 per case, plus the form's other fields.
DATA_UPLOAD_MAX_NUMBER_FILES = 40

# --- Rate and size limits (screening/core/throttle.py; README "Rate and size limits") ------
# Per client address, counted in the cache (Redis when REDIS_URL is set); behind a TLS proxy
# (SECURE_PROXY_SSL_HEADER) the address is the last X-Forwarded-For entry. Rates are
# "count/period" (s, m, h, d). Over a limit the person gets a friendly 429 page and loses
# nothing already saved.
INTAKE_SUBMIT_RATE = env.str("INTAKE_SUBMIT_RATE", default="10/h")  # sent forms
INTAKE_SAVE_RATE = env.str("INTAKE_SAVE_RATE", default="10/h")  # resume-link emails
INTAKE_START_RATE = env.str("INTAKE_START_RATE", default="20/h")  # new intake drafts
# Files and bytes uploaded per address and hour (intake and status pages together).
UPLOADS_PER_HOUR = env.int("UPLOADS_PER_HOUR", default=60)
UPLOAD_BYTES_PER_HOUR = env.int("UPLOAD_BYTES_PER_HOUR", default=300 * 1024 * 1024)
# Files of one draft or case, and all of them together (each at most MAX_UPLOAD_BYTES).
MAX_FILES_PER_CASE = env.int("MAX_FILES_PER_CASE", default=30)
MAX_BYTES_PER_CASE = env.int("MAX_BYTES_PER_CASE", default=150 * 1024 * 1024)
# Wrong status-page and resume links per address (a right one is never counted).
TOKEN_GUESS_RATE = env.str("TOKEN_GUESS_RATE", default="20/h")
# Messages with the coordinator: longest, in characters; how many a case sends per period.
PATIENT_MESSAGE_MAX_LENGTH = env.int("PATIENT_MESSAGE_MAX_LENGTH", default=4000)
PATIENT_MESSAGE_RATE = env.str("PATIENT_MESSAGE_RATE", default="20/h")
# Staff sign-in attempts per address (password and second-factor steps; django-axes locks
# after 5 failures on top of this).
LOGIN_RATE = env.str("LOGIN_RATE", default="30/h")
RATELIMIT_IP_META_KEY = "screening.core.addresses.client_key"
# django-ratelimit knows only django_redis by name (W001), and refuses a per-process cache
# (E003). Django's own Redis cache increments atomically, so W001 is noise; without Redis
# (eager mode, already flagged by screening.W001) a per-process count is all there is.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if REDIS_URL else ["django_ratelimit.E003"]
)

# --- API for referring organisations (screening/api/, README "API") ---------------------------
# Calls per key (and, before a key is known, per client address): django-ratelimit in the cache.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/m")
# Largest JSON or FHIR body; documents are limited by MAX_UPLOAD_BYTES / MAX_REQUEST_BYTES.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)
# Profiles in one stateless screening call.
API_SCREEN_MAX_PROFILES = 500
# Webhooks go to HTTPS endpoints only; plain http to a loopback address (127.0.0.1, ::1,
# localhost) is allowed only in development and in the tests, which receive webhooks on a
# local server.
WEBHOOK_ALLOW_LOOPBACK_HTTP = DEBUG
# Webhooks to private-network addresses (10.x, 192.168.x, ...): off, so an endpoint cannot be
# used to reach inside Navigator's own network; on for hospitals reached over a private link.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)
# Seconds a webhook endpoint may take to answer before the attempt counts as failed.
WEBHOOK_TIMEOUT = 10
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["screening.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["screening.api.auth.HasScope"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "screening.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Navigator API",
    "DESCRIPTION": (
        "For referring hospitals: submit cases (JSON or a FHIR R4 bundle) and their documents, "
        "read back their status and screening, receive signed webhooks, and screen profiles "
        "without storing them. Navigator informs; it never gives medical advice."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The docs page's files come from the drf-spectacular-sidecar package via our own static
    # files: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Email ----------------------------------------------------------------------------------
# e.g. smtp+tls://user:password@smtp.example.org:587 ; the default prints mail to the console.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# Seconds each SMTP step may take. An outbox email's claim goes stale after 12 of them
# (screening/notify/delivery.py), and the sweeper then hands it out again.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Navigator <navigator@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")  # links in emails
# Summaries to anyone but the patient: a 7-day download link, not the PDF (screening/summaries/).
SUMMARY_LINK_FOR_OTHERS = env.bool("SUMMARY_LINK_FOR_OTHERS", default=True)

# --- Auth, i18n, security ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list of 20,000 common passwords, then an offline guessability estimate
    # (zxcvbn: dictionaries, names, years, keyboard runs, and words of this site), so
    # "Navigator2026" fails although it is long enough. No password leaves the server.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "screening.core.passwords.GuessablePasswordValidator"},
]
# django-axes first: it refuses a locked-out user or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: AXES_FAILURE_LIMIT failed sign-ins (wrong passwords and wrong second-factor codes)
# for one username, or from one address, pause signing in for LOGIN_LOCKOUT_MINUTES. The
# address is the one our access log uses (behind the TLS proxy, the last X-Forwarded-For).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "screening.core.addresses.client_key"
AXES_LOCKOUT_CALLABLE = "screening.admin.second_factor.lockout_response"
AXES_VERBOSE = False
# Staff sessions: signed out after this many seconds without a request, and at browser close.
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=15 * 60)
# The issuer shown in authenticator apps next to the account name.
OTP_TOTP_ISSUER = "Navigator"
# django-otp's device admin never shows a device's secret or QR code (it would let whoever can
# view devices copy another person's second factor); enrolment is our own page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "admin:login"

# --- Languages (README "Languages") ----------------------------------------------------------
# The patient side speaks these; staff pages (the admin, the API) stay in LANGUAGE_CODE. A code
# not offered (a cookie, a browser preference, a posted choice) falls back to English. The
# catalogues in locale/ are compiled by `make` (never committed): see the Makefile's catalogues.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own English date formats ("25 July 2026"); Spanish and Chinese use Django's.
FORMAT_MODULE_PATH = ["navigator.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True

# Secure by default when DEBUG is off (`check --deploy` passes with only SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL and REDIS_URL set); a laptop in DEBUG works over plain http.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz, and monitoring /readyz, over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# One year. includeSubDomains and preload are on by default in production as `check --deploy`
# asks; turn preload off if the domain must not be submitted to browsers' preload lists (the
# header alone submits nothing).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself (and drops the client's): TLS is
    # terminated there, and without this the SSL redirect would loop.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4) on every response: our own scripts and styles only,
# no inline script (templates that need one use the nonce: `{{ request.csp_nonce }}`), no inline
# style, no framing, forms only to ourselves. `data:` images are Bootstrap's CSS icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Logging, every handler through the redacting filter: navigator/logging_config.py.
from navigator.logging_config import LOGGING  # noqa: E402, F401
