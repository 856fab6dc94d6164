"""FreelanceArena settings: one file, every knob read from the environment.

The Configuration table in README.md lists every variable with its default.
"""

import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # A fallback key that is public in the repository would let anyone sign an admin's JWT.
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is False.")
    SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    # First: its runserver serves the ASGI application (HTTP and WebSocket on one port).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Third party
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "channels",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc assets, served from /static/
    # FreelanceArena
    "accounts.apps.AccountsConfig",
    "competitions.apps.CompetitionsConfig",
    "proposals.apps.ProposalsConfig",
    "feedback.apps.FeedbackConfig",
    "notifications.apps.NotificationsConfig",
    "payments.apps.PaymentsConfig",
    "demo.apps.DemoConfig",  # manage.py seed_demo: demo and benchmark data, no models
    "originality.apps.OriginalityConfig",
    "backoffice.apps.BackofficeConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ (the docs' and the admin's assets) from the project itself, DEBUG on or off.
    "freelance_arena.static_files.StaticFilesMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "freelance_arena.middleware.ApiErrorMiddleware",
    "freelance_arena.middleware.RequestSizeLimitMiddleware",
    "freelance_arena.middleware.RequestCharsetMiddleware",
    "freelance_arena.db_router.ReplicaPinningMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "freelance_arena.middleware.UpdateLastSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "freelance_arena.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates: the e-mails (templates/emails/), the ReDoc page without web fonts.
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

WSGI_APPLICATION = "freelance_arena.wsgi.application"
ASGI_APPLICATION = "freelance_arena.asgi.application"

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": env_str("DB_NAME", "freelance_arena_db"),
        "USER": env_str("DB_USER", "root"),
        "PASSWORD": env_str("DB_PASSWORD", ""),
        "HOST": env_str("DB_HOST", "127.0.0.1"),
        "PORT": env_str("DB_PORT", "3306"),
        "OPTIONS": {
            "charset": "utf8mb4",
            # Strict mode: MySQL refuses (instead of silently truncating) out-of-range values.
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            "isolation_level": "read committed",
        },
        "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }
}
if env_str("DATABASE_URL"):
    import dj_database_url

    DATABASES["default"] = dj_database_url.parse(env_str("DATABASE_URL"))

# Persistent connections, checked before reuse so the API survives a database restart.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Optional read replica: reads go to it, except inside transactions and for the rest of a request
# once it writes (freelance_arena/db_router.py). Same credentials as the primary unless given.
if env_str("DB_REPLICA_HOST"):
    DATABASES["replica"] = {
        **DATABASES["default"],
        "HOST": env_str("DB_REPLICA_HOST"),
        "PORT": env_str("DB_REPLICA_PORT", DATABASES["default"].get("PORT", "")),
        "USER": env_str("DB_REPLICA_USER", DATABASES["default"].get("USER", "")),
        "PASSWORD": env_str("DB_REPLICA_PASSWORD", DATABASES["default"].get("PASSWORD", "")),
        "NAME": env_str("DB_REPLICA_NAME", DATABASES["default"]["NAME"]),
        # The test run has one database; the replica alias reads it too.
        "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["freelance_arena.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttle state) ---------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Shared across worker processes, so N workers do not allow N times the throttle rate.
    CACHES = {
        "default": {
            "BACKEND": "freelance_arena.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "freelance_arena"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Real-time notifications (WebSocket) ----------------------------------------------------------

# With Redis, a notification created in any process (a web worker, cron, a Celery worker)
# reaches sockets held by every ASGI process; without it, only sockets of this process.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "freelance_arena.channel_layer.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, the very time a socket's
                # blocking BZPOPMIN waits: a quiet socket then dies with a read timeout (1011).
                # The pool waits for a free connection (freelance_arena/channel_layer.py).
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 200, "timeout": 20}],
                "prefix": env_str("CHANNEL_LAYER_PREFIX", "freelance_arena:ws"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Seconds a new socket has to send its authenticate message.
WEBSOCKET_AUTH_TIMEOUT = env_int("WEBSOCKET_AUTH_TIMEOUT", 10)
# A fan-out with more recipients than this is pushed from a background task, not the request.
REALTIME_INLINE_MAX = env_int("REALTIME_INLINE_MAX", 100)

# --- Auth -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# --- I18N / time ------------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# WhiteNoise reads the apps' static folders directly: no collectstatic step is needed to serve
# the docs and the admin (run it and set this off to serve STATIC_ROOT instead).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# Public uploads (profile pictures).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Proposal attachments: outside MEDIA_ROOT so no web server or static() route can ever serve
# them; they leave only through the authorized download endpoint.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "media_private")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# S3-compatible object storage for uploads (AWS S3, MinIO, Ceph...), by configuration only: set
# both buckets and install `django-storages[s3]` (boto3 reads AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment). Pictures go to a bucket the web may read;
# attachments to a private bucket whose objects are only streamed by the download endpoint.
S3_BUCKET = env_str("S3_BUCKET")
S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET")
if S3_BUCKET or S3_PRIVATE_BUCKET:
    if not (S3_BUCKET and S3_PRIVATE_BUCKET):
        raise ImproperlyConfigured("Set both S3_BUCKET and S3_PRIVATE_BUCKET (attachments never share the public one)")
    _s3 = {
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": S3_BUCKET,
            "querystring_auth": False,
            "custom_domain": env_str("S3_CUSTOM_DOMAIN") or None,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_PRIVATE_BUCKET, "default_acl": "private", "querystring_auth": True},
    }

# Pages of the public competition list are shared by every visitor: cached this many seconds
# (invalidated at once by competition and proposal writes; 0 = off). competitions/list_cache.py.
# On by default only with Redis: with per-process memory caches, a write in one worker could not
# invalidate the pages another worker holds.
PUBLIC_LIST_CACHE_SECONDS = env_int("PUBLIC_LIST_CACHE_SECONDS", 30 if REDIS_URL else 0)

# --- Money (Part 2): the payment provider, Stripe's keys, the platform's fee --------------------
# `dummy` moves no money (development, tests); it is the default only while DEBUG is on: a
# production process must name its provider, and `stripe` without both keys refuses to start.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "dummy" if DEBUG else "").strip().lower()
if PAYMENT_PROVIDER not in {"dummy", "stripe"}:
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER must be 'dummy' or 'stripe'"
        + (" (with DJANGO_DEBUG=False it must be set explicitly)." if not PAYMENT_PROVIDER else ".")
    )
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # a Stripe-compatible server (localstripe in tests)
if PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")
try:
    PLATFORM_FEE_PERCENT = Decimal(env_str("PLATFORM_FEE_PERCENT", "10") or "10")
except InvalidOperation as exc:
    raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be a number, e.g. 10 or 7.5.") from exc
if not PLATFORM_FEE_PERCENT.is_finite() or not Decimal("0") <= PLATFORM_FEE_PERCENT < Decimal("100"):
    raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be a number from 0 to below 100.")
# How long an Idempotency-Key's first answer is replayed.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

PROFILE_PICTURE_MAX_BYTES = 2 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Whole-request ceiling (a proposal may carry several attachments); above it: 413.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 60 * 1024 * 1024)
# Non-file request bodies (JSON, form fields).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- REST framework ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "freelance_arena.pagination.StandardPagination",
    "PAGE_SIZE": 10,
    # JSON only: nothing under /api/ answers HTML, not even in DEBUG.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's JSON parser with a nesting limit (deep JSON is a 400, not a RecursionError 500).
        "freelance_arena.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    # THROTTLE_USER per signed-in user, THROTTLE_ANON per client address otherwise, in one
    # round trip to the cache (freelance_arena/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["freelance_arena.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "1000/hour"),
        "user": env_str("THROTTLE_USER", "5000/hour"),
        "login": env_str("THROTTLE_LOGIN", "20/minute"),
    },
    # Throttles key anonymous clients by IP. With NUM_PROXIES unset DRF would trust the
    # client-supplied X-Forwarded-For, so a new fake header per request would escape the login
    # throttle; 0 = use REMOTE_ADDR, N = the address N proxies back (behind a reverse proxy).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "freelance_arena.exceptions.custom_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "freelance_arena.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # SimpleJWT's AccessToken with every claim checked first (odd claims are a 401, not a 500).
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.AccessToken",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FreelanceArena API",
    "DESCRIPTION": "Competition-based freelancing: clients post competitions, freelancers submit "
    "proposals, clients review them blind and pick a winner. Every response is wrapped in the "
    "success/error envelope.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The UIs' JavaScript and CSS come from drf-spectacular-sidecar (pinned in requirements.txt),
    # served by the project: the docs work without internet and never change under us.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Several apps have a `status` field: name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "CompetitionStatusEnum": "competitions.models.CompetitionStatus",
        "ProposalStatusEnum": "proposals.models.ProposalStatus",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "freelance_arena.schema.wrap_in_envelope",
    ],
}

# --- E-mail and the task queue ------------------------------------------------------------------

# The SPA that e-mailed links point at: {FRONTEND_URL}/verify-email?token=…,
# {FRONTEND_URL}/reset-password?uid=…&token=….
FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000").rstrip("/")
# How long a verification (or change-of-email) link works, and a password-reset link.
EMAIL_VERIFICATION_HOURS = env_int("EMAIL_VERIFICATION_HOURS", 72)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # Development: every e-mail is printed on the console of the process that sends it.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A send that hangs is an error (and a retry), not a stuck worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FreelanceArena <no-reply@localhost>")

# Celery (freelance_arena/celery.py reads every CELERY_* setting). Without a broker the tasks run
# eagerly, in the web process, right after the commit that queued them (freelance_arena/tasks.py
# queues everything through transaction.on_commit), so scripts/serve.sh needs no worker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Never used by eager tasks; Celery's default would be AMQP on localhost.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False  # an eager task's failure is logged, never the request's error
CELERY_TASK_IGNORE_RESULT = True  # nothing reads results: no result backend
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-send leaves the message for another one
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that does not answer must not hold a request for long (the enqueue is logged and
# dropped: freelance_arena/tasks.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Modules of tasks outside the installed apps' tasks.py (found by autodiscovery).
CELERY_IMPORTS = ["freelance_arena.tasks"]

# GET /api/stats/ is computed at most once per this many seconds (0 = every request).
STATS_CACHE_SECONDS = env_int("STATS_CACHE_SECONDS", 300)

# --- CORS -------------------------------------------------------------------------------------

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "http://localhost:3000,http://localhost:8080")

# --- Security (production) --------------------------------------------------------------------

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The API answers every error itself; Django's own request logger would log 4xx noise.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Users whose last_seen is older than this get it refreshed by UpdateLastSeenMiddleware.
LAST_SEEN_UPDATE_INTERVAL = timedelta(minutes=5)
