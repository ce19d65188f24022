"""Settings shared by every environment. Secure by default; dev and test relax what they must.

Each external service has one env-keyed block with an embedded default, so that with no
environment variables at all the whole product runs on one machine (SQLite, local private
storage, database search, a database-backed task queue).
"""

from pathlib import Path
from urllib.parse import urlsplit

from cms.env import (
    env_bool,
    env_bucket,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
    env_url,
    env_url_list,
    url_with_query,
)
from ops.logs import logging_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

SECRET_KEY = env_str("SECRET_KEY")
# Previous keys, accepted for signatures while a rotation settles (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "ops",
    "accounts",
    "cases",
    "media_pipeline",
    "search",
    "discussion",
    "notifications",
    "curation",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_ratelimit",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files only (STATIC_ROOT): clinical media never goes through WhiteNoise.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.csp.CasebookCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database: SQLite embedded, PostgreSQL with DATABASE_URL -------------------------------
# Persistent connections are checked before reuse, so a restarted server costs no request.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded, the web process and the task worker write to one file: take the write lock
    # at the start of a transaction and wait for the other's writes, instead of failing
    # with "database is locked"; WAL lets pages be read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CasebookAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.ClinicianSignupForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "casebook@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and media ---------------------------------------------------------------
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(env_str("CASEBOOK_STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATIC_URL = "/static/"
# Clinical media is never served from MEDIA_URL: media_pipeline.views checks permissions and
# streams or redirects. The local root sits outside any web-served directory.
MEDIA_ROOT = Path(env_str("CASEBOOK_MEDIA_ROOT", str(BASE_DIR / "private_media")))
MEDIA_URL = "/media-not-served/"

AWS_STORAGE_BUCKET_NAME = env_bucket("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env_url("AWS_S3_ENDPOINT_URL", {"http", "https"}) or None


def _s3_client_config():
    from botocore.config import Config

    return Config(
        connect_timeout=env_int("AWS_S3_CONNECT_TIMEOUT", 5),
        read_timeout=env_int("AWS_S3_READ_TIMEOUT", 30),
        retries={"max_attempts": 3, "mode": "standard"},
    )


def _s3_transfer_config():
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(use_threads=False)


if AWS_STORAGE_BUCKET_NAME:
    _clinical_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": env_str("AWS_S3_REGION_NAME", "us-east-1"),
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": "private",
            # Keys hold 128 random bits (media_pipeline.storage), so they never collide: the
            # HEAD request that file_overwrite=False makes before every write is pure cost.
            "file_overwrite": True,
            # Objects are small (a WebP preview, one DICOM slice): one PUT on the worker's
            # thread beats handing each to s3transfer's thread pool.
            "transfer_config": _s3_transfer_config(),
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
            # Fail in seconds, not minutes, when the server is away: the task retries later.
            "client_config": _s3_client_config(),
        },
    }
else:
    _clinical_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "clinical", "base_url": None},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "clinical": _clinical_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload streams to a temporary file, never to storage
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

# --- Background tasks: database queue embedded, Redis (RQ) with TASKS_REDIS_URL -----------
TASKS_REDIS_URL = env_url("TASKS_REDIS_URL", {"redis", "rediss", "unix"})
if TASKS_REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            # django-rq passes a URL's query to redis-py and ignores SOCKET_* keys beside it. A
            # request that enqueues must fail fast on an unreachable Redis; the workers raise
            # the read timeout above their wait for jobs themselves.
            "URL": url_with_query(TASKS_REDIS_URL, socket_connect_timeout="2", socket_timeout="5"),
            # A 300-slice series takes about a minute; a job past this is stopped and retried.
            "DEFAULT_TIMEOUT": env_int("TASKS_JOB_TIMEOUT", 1800),
        }
    }
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker `manage.py rqworker` runs: RQ's, made to ride out a Redis restart
# (ops/rq_worker.py). Inert on the database queue.
RQ = {"WORKER_CLASS": "ops.rq_worker.Worker"}

# --- Cache (rate limits, related cases): in-process embedded, Redis with CACHE_REDIS_URL ---
# Rate limits count in the cache, so several web processes need a shared one: Redis (the
# task queue's, unless CACHE_REDIS_URL names another). The embedded default serves from one
# process, where the local-memory cache is shared by every request.
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL") or TASKS_REDIS_URL
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            # Fails open when Redis is away (cms/cache.py); a second, not the page, at most.
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit lists only third-party Redis clients as supported; Django's own Redis
# cache increments atomically too. Its "not shared" error is about several processes, which
# the embedded default does not run.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not CACHE_REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# --- Search: database embedded, Elasticsearch/OpenSearch with ELASTICSEARCH_URL -----------
# One node, or the nodes of a cluster separated by commas.
ELASTICSEARCH_URL = env_url_list("ELASTICSEARCH_URL", {"http", "https"})
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
CASEBOOK_SEARCH = {
    "INDEX_PREFIX": env_str("CASEBOOK_SEARCH_INDEX_PREFIX", "casebook_"),
    "TIMEOUT": env_int("CASEBOOK_SEARCH_TIMEOUT", 2),
    "PAGE_SIZE": 20,
}

# --- Project tunables ---------------------------------------------------------------------
CASEBOOK_CASES = {
    # A contributor with fewer published cases than this is "new" and is capped below.
    "NEW_CONTRIBUTOR_PUBLISHED_THRESHOLD": env_int("CASEBOOK_NEW_CONTRIBUTOR_THRESHOLD", 3),
    "NEW_CONTRIBUTOR_MAX_AWAITING_REVIEW": env_int("CASEBOOK_NEW_CONTRIBUTOR_MAX_PENDING", 2),
    "PAGE_SIZE": 20,
}
CASEBOOK_DEMO_PASSWORD = env_str("CASEBOOK_DEMO_PASSWORD", "casebook-demo-2026")
CASEBOOK_DISCUSSION = {
    # Flags other than "possible patient identifier" hide an item at this many flaggers.
    "HIDE_AFTER_FLAGS": env_int("CASEBOOK_HIDE_AFTER_FLAGS", 3),
    # An opinion case without a confirmed diagnosis reminds its author once, after this long.
    "OUTCOME_REMINDER_DAYS": env_int("CASEBOOK_OUTCOME_REMINDER_DAYS", 30),
    # Per-user limits (django-ratelimit rates); users verified for less than a week get the
    # "NEW_" ones.
    "RATES": {
        "comment": "30/h",
        "proposal": "20/h",
        "vote": "120/h",
        "flag": "20/d",
        "NEW_comment": "10/h",
        "NEW_proposal": "5/h",
        "NEW_vote": "40/h",
        "NEW_flag": "5/d",
    },
    "NEW_USER_DAYS": 7,
}

# --- JSON API under /api/v1/ (api/, docs/api.md) -----------------------------------------
# Authentication, access and errors are set on ``api.views.ApiView``, not here, so that
# Wagtail's own admin API keeps DRF's defaults.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casebook API",
    "DESCRIPTION": "Discuss, search and follow anonymised clinical cases. Sign in (session, "
    "with a CSRF token on writes) or send `Authorization: Bearer <Wagtail API token>`. Only "
    'verified clinicians, editors and moderators; errors are JSON `{"error": "..."}`.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.only_public_api"],
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {"api_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    # Swagger UI's files come from drf-spectacular-sidecar, served as our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Casebook"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: nothing leaves the site, and the CSP allows no such images.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True

# --- Security: secure by default ----------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from static files of this site: no inline script, no eval, workers (the DICOM
# viewer's decoders) from 'self'. The Wagtail admin alone also runs inline scripts
# (cms/csp.py). Media on S3 are redirects to the bucket, which must be allowed to load.
_MEDIA_ORIGIN = env_str("CASEBOOK_MEDIA_ORIGIN") or (
    "{0.scheme}://{0.netloc}".format(urlsplit(AWS_S3_ENDPOINT_URL)) if AWS_S3_ENDPOINT_URL else ""
)
_MEDIA_ORIGINS = [_MEDIA_ORIGIN] if _MEDIA_ORIGIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS],
        "connect-src": ["'self'", *_MEDIA_ORIGINS],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# JSON lines (CASEBOOK_LOG_FORMAT=json, production's default) or plain lines; see ops.logs.
LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "INFO")
LOGGING = logging_config(LOG_LEVEL, json_lines=env_str("CASEBOOK_LOG_FORMAT", "plain") == "json")

# --- Operations (ops): readiness and periodic jobs -----------------------------------------
CASEBOOK_READINESS_TIMEOUT = env_int("CASEBOOK_READINESS_TIMEOUT", 2)

# --- Clinical media uploads (read through media_pipeline.conf) ----------------------------
CASEBOOK_MEDIA = {
    # Whole request: refused with 413 from CONTENT_LENGTH before the body is read.
    "MAX_UPLOAD_BYTES": env_int("CASEBOOK_MEDIA_MAX_UPLOAD_BYTES", 2 << 30),
    "MAX_FILE_BYTES": env_int("CASEBOOK_MEDIA_MAX_FILE_BYTES", 1 << 30),
    "MAX_FILES": env_int("CASEBOOK_MEDIA_MAX_FILES", 50),
    "ZIP_MAX_ENTRIES": env_int("CASEBOOK_MEDIA_ZIP_MAX_ENTRIES", 5_000),
    "ZIP_MAX_TOTAL_BYTES": env_int("CASEBOOK_MEDIA_ZIP_MAX_TOTAL_BYTES", 4 << 30),
    "ZIP_MAX_MEMBER_BYTES": env_int("CASEBOOK_MEDIA_ZIP_MAX_MEMBER_BYTES", 512 << 20),
    "ZIP_MAX_RATIO": 200.0,
    # Presigned S3 URLs live at most this long (capped at 300 s).
    "URL_EXPIRY_SECONDS": env_int("CASEBOOK_MEDIA_URL_EXPIRY_SECONDS", 300),
    # Uploads wait here, outside clinical storage, until the worker has processed them; the
    # web process and the worker must share it. Empty means MEDIA_ROOT/incoming.
    "SPOOL_DIR": env_str("CASEBOOK_MEDIA_SPOOL_DIR"),
    # A file still processing after this long is re-enqueued by the periodic clean-up (its
    # worker was killed). Keep it above the longest processing time plus every retry.
    "STALLED_AFTER_MINUTES": env_int("CASEBOOK_MEDIA_STALLED_AFTER_MINUTES", 15),
}
