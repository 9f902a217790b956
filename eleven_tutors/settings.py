"""Settings for 11Tutors, read from the environment (and `.env` at the project root).

Every variable is listed in `.env.example` and in the Environment table of the API
contract. Nothing here is needed in development: without variables the app runs on
SQLite, local media and the console email backend.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# The test suite runs with DEBUG off and needs no configuration.
TESTING = "pytest" in sys.modules
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (see .env.example), "
            "or set DJANGO_DEBUG=True for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
FRONTEND_URL = env("FRONTEND_URL", "http://localhost:3000").rstrip("/")
BACKEND_URL = env("BACKEND_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "axes",
    # Swagger UI's files served from our own static files, not a CDN (works offline).
    "drf_spectacular_sidecar",
    "users",
    "core",
    "courses",
    "payments",
]

MIDDLEWARE = [
    # First: every answer, redirects and errors included, carries the request id and
    # gets one JSON access log line.
    "core.middleware.RequestLogMiddleware",
    # First: an oversized body is refused before anything reads it (core/limits.py).
    "core.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous cache hits on the catalogue, answered before URL resolution and DRF with
    # the headers DRF gives them (courses/api/fastpath.py); after everything that adds
    # headers, so both ways get the same.
    "courses.api.fastpath.CatalogueHitMiddleware",
    # Last, as axes asks: turns a refused admin login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eleven_tutors.urls"
WSGI_APPLICATION = "eleven_tutors.wsgi.application"
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
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

REDIS_URL = env("REDIS_URL")
REDIS_TIMEOUT_SECONDS = float(env("REDIS_TIMEOUT_SECONDS", "1"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that degrades to a miss (reads) or a no-op (writes)
            # while Redis is down, so throttles pass and the API keeps answering.
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "11tutors",
            # Fail fast when Redis does not answer rather than hold a worker.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Upper bound on a cached catalogue page's life; writes invalidate at once (core/cache.py).
CACHE_TTL_SECONDS = env_int("CACHE_TTL_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Media: local `media/` by default; Cloudflare R2 through the S3 API when configured.
R2_ACCESS_KEY_ID = env("R2_ACCESS_KEY_ID")
R2_SECRET_ACCESS_KEY = env("R2_SECRET_ACCESS_KEY")
R2_BUCKET_NAME = env("R2_BUCKET_NAME")
R2_ENDPOINT_URL = env("R2_ENDPOINT_URL")
R2_PUBLIC_URL = env("R2_PUBLIC_URL").rstrip("/")
R2_ENABLED = all([R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_BUCKET_NAME, R2_ENDPOINT_URL])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if R2_ENABLED:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "access_key": R2_ACCESS_KEY_ID,
            "secret_key": R2_SECRET_ACCESS_KEY,
            "bucket_name": R2_BUCKET_NAME,
            "endpoint_url": R2_ENDPOINT_URL,
            "region_name": "auto",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "custom_domain": R2_PUBLIC_URL.split("://", 1)[-1] if R2_PUBLIC_URL else None,
            "url_protocol": (R2_PUBLIC_URL.split("://", 1)[0] + ":") if R2_PUBLIC_URL else "https:",
        },
    }

# Uploads: thumbnails and avatars are at most 5 MB; leave headroom for multipart overhead.
# A body over MAX_REQUEST_BYTES is 413 `request_too_large` before it is read; Django's own
# limits follow it, so no accepted body is ever spooled to disk.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 6 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS_SIDE = 4096

# Security: production behind a TLS-terminating proxy.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The health check is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^api/core/health/$", r"^api/core/health/live/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "http://localhost:3000")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://localhost:3000")

# Email: console in development, SMTP when a host user is configured, any backend by path.
EMAIL_HOST = env("EMAIL_HOST", "smtp.gmail.com")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", EMAIL_HOST_USER or "11Tutors <no-reply@11tutors.com>"
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST_USER
    else "django.core.mail.backends.console.EmailBackend",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["users.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only; the routes that take a file add multipart themselves (elsewhere 415).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONObjectParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.limits.BoundedSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttles.AnonRateThrottle",
        "core.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON_RATE", "300/min"),
        "user": env("THROTTLE_USER_RATE", "3000/min"),
        "auth": env("THROTTLE_AUTH_RATE", "10/min"),
        "comments": env("THROTTLE_COMMENT_RATE", "30/min"),
        "reviews": env("THROTTLE_REVIEW_RATE", "10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Throttles key on the client IP: the address the last NUM_PROXIES proxies saw in
    # X-Forwarded-For, or REMOTE_ADDR when 0. Left to DRF's default (None) a client could
    # send any X-Forwarded-For and get a fresh throttle bucket per request.
    "NUM_PROXIES": env_int("NUM_PROXIES", 1 if BEHIND_TLS_PROXY else 0),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": env_bool("JWT_ROTATE_REFRESH"),
    "BLACKLIST_AFTER_ROTATION": env_bool("JWT_ROTATE_REFRESH"),
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
    # A password change or reset invalidates every token issued before it.
    "CHECK_REVOKE_TOKEN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "11Tutors API",
    "DESCRIPTION": (
        "Backend of the 11Tutors learning marketplace. Authenticate with "
        "`Authorization: Bearer <access>`; a missing, expired or malformed token is 401. "
        "Every response carries `X-Request-ID`: the request's own when it sends a sane one "
        "(1 to 128 characters of letters, digits and `._:-`), else a generated id; every "
        "log line of the request carries it too.\n\n"
        "Limits: a body over `MAX_REQUEST_BYTES` (6 MB) is 413 `request_too_large` before it "
        "is read; multipart only where a file is taken (course create and PATCH, profile "
        "PATCH), elsewhere 415 `unsupported_media_type`; JSON nested deeper than 32 levels is "
        "400 `parse_error`; a number sent as a string is at most 32 characters and never in "
        "exponent notation (400 on the field, `page` and `page_size` included); `search` uses "
        "its first 10 words and 200 characters; text longer than its column is 400 on the "
        "field; a malformed or over-long `uid`/`token` is 400 `invalid_token`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN, no internet needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation with a body documents the Limits' 400 parse_error, 413 and 415.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.limits.schema_add_limit_responses",
    ],
}

# Outside services. Without keys the video and payment routes answer 503.
VIDEO_SERVICE_SECRET_KEY = env("VIDEO_SERVICE_SECRET_KEY")
VIDEO_SERVICE_API_URL = env("VIDEO_SERVICE_API_URL", "https://dev.vdocipher.com/api").rstrip("/")
VIDEO_SERVICE_TIMEOUT = float(env("VIDEO_SERVICE_TIMEOUT", "10"))
VIDEO_OTP_TTL = env_int("VIDEO_OTP_TTL", 300)

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLIC_KEY = env("STRIPE_PUBLIC_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE").rstrip("/")
STRIPE_TIMEOUT = float(env("STRIPE_TIMEOUT", "20"))
STRIPE_CHECKOUT_TTL_MINUTES = env_int("STRIPE_CHECKOUT_TTL_MINUTES", 60)

LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
# One JSON object per line on stdout, each carrying the request id (core/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Our access line replaces Django's "Not Found"/"Bad Request" request warnings
        # (which carry the query string) and runserver's plain-text lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:  # pragma: no cover - needs the optional sentry-sdk package and a DSN
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed") from exc
    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)

# The admin login's rate limit (django-axes; see users/admin_login.py): failures counted
# in the database per client IP and per account, admin logins only.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "users.admin_login.AdminOnlyAxesHandler"
AXES_ONLY_ADMIN_SITE = True
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "users.admin_login.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "users.admin_login.login_username"
AXES_LOCKOUT_CALLABLE = "users.admin_login.locked_out_response"
AXES_RESET_ON_SUCCESS = True

# Background work on Celery (eleven_tutors/celery.py; README "Background work").
# With REDIS_URL, Redis is the broker and `make worker` runs the worker with beat. Without
# it every task runs eagerly in-process (development, `make run`, the tests): no Redis.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran, and given back to the queue when its worker dies
# mid-task: every task is idempotent, so running one twice is harmless, losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through Django's LOGGING (one JSON object per line), not its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Publishing happens in requests (after commit): with Redis down it must fail fast, and
# the email waits in the outbox (core/outbox.py) for the periodic re-queue.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
STRIPE_RECONCILE_MINUTES = env_int("STRIPE_RECONCILE_MINUTES", 15)
# The beat schedule (no django-celery-beat): `celery -A eleven_tutors worker -B`.
CELERY_BEAT_SCHEDULE = {
    # Emails whose queueing failed (broker down) or whose task was lost leave within a minute.
    "outbox-requeue": {"task": "core.tasks.outbound_emails_requeue", "schedule": 60.0},
    # Pending orders older than STRIPE_RECONCILE_MINUTES are settled from Stripe's session.
    "stripe-reconcile": {"task": "payments.tasks.orders_reconcile", "schedule": 300.0},
    # Pending orders whose session expired (an hour ago) are failed, as the expiry webhook would.
    "orders-expire": {"task": "payments.tasks.orders_expire", "schedule": 900.0},
    # Lessons with a video and an unknown duration get VdoCipher's length.
    "video-durations-sync": {"task": "courses.tasks.video_durations_sync", "schedule": 3600.0},
    # Stored lesson numbers (kept on every lesson write) checked against the lessons.
    "course-lesson-numbers": {
        "task": "courses.tasks.course_lesson_numbers_recount",
        "schedule": 86400.0,
    },
}
