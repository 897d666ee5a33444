"""Settings shared by every environment; each value that differs between machines comes from the environment."""

from __future__ import annotations

from pathlib import Path

from config.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Never used outside development: prod.py refuses to start with it.
INSECURE_DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
# Earlier keys, newest first (comma separated): what they signed (sessions, reset and invitation links) is still
# accepted, while everything new is signed with SECRET_KEY. Drop them once SESSION_COOKIE_AGE has passed.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)

# Tenants live at <subdomain>.<BASE_DOMAIN>; the bare BASE_DOMAIN (and www.) is the public site.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").strip().lower().rstrip(".")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS")]
# X-Forwarded-Host comes from the client unless a trusted proxy rewrites it; nginx sets Host itself.
USE_X_FORWARDED_HOST = False
# Number of proxies in front of Django whose X-Forwarded-For entries are trusted (nginx: 1).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    # collectstatic gathers the API docs' assets into STATIC_ROOT, which nginx serves at /static/.
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shared_apps.common",
    "shared_apps.billing",
    "shared_apps.signup",
    "shared_apps.observability",
    "shared_apps.operations",
    "shared_apps.frontend",
    # The user model's tables exist in public too (auth and sessions refer to them); nobody signs in with them
    # there: platform staff are platform_admin.PlatformStaff (docs/decisions/0004-platform-admin.md).
    "tenant_apps.accounts",
    # Django's admin for platform staff, on the public host only (config/urls_public.py).
    "django.contrib.admin",
    "django.contrib.messages",
    "shared_apps.platform_admin",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenant_apps.accounts",
    "tenant_apps.mail",
    "tenant_apps.portal",
    "tenant_apps.webhooks",
    "tenant_apps.audit",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Issue `SET search_path` only when the schema changes, not before every cursor (django-tenants forgets
# the cached value on rollback, so an aborted transaction cannot leave a stale search_path behind).
TENANT_LIMIT_SET_CALLS = True
# Schema names a subdomain can never produce (a subdomain never starts with '-' or '_').
TENANT_TEMPLATE_SCHEMA = "__template"
TENANT_SPARE_SCHEMA_PREFIX = "__spare_"
# Spare schemas kept ready for signups; the pool is refilled in the background.
TENANT_SPARE_POOL_SIZE = env_int("TENANT_SPARE_POOL_SIZE", 3)
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 300)
# A company's own domains (crm.acme.com, tenants/custom_domains.py): how many it may add, and the DNS resolvers
# (host or host:port, comma separated) asked for their TXT verification records; empty: /etc/resolv.conf's.
CUSTOM_DOMAINS_PER_TENANT = env_int("CUSTOM_DOMAINS_PER_TENANT", 5)
CUSTOM_DOMAIN_DNS_SERVERS = env_list("CUSTOM_DOMAIN_DNS_SERVERS")

MIDDLEWARE = [
    # First: request id, access log and metrics also for requests the routing answers itself.
    "shared_apps.observability.middleware.RequestObservabilityMiddleware",
    "tenants.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After routing and authentication: refuses writes while a company is read-only (billing, suspension).
    "shared_apps.billing.middleware.TenantReadOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atrium")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Every cache key carries the schema it was written from.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "atrium"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
# One redis.Redis per process instead of one per request (config/redis_clients.py).
DJANGO_REDIS_CONNECTION_FACTORY = "config.redis_clients.SharedClientConnectionFactory"

AUTH_USER_MODEL = "accounts.User"
# A company's people sign in with EmailBackend (`email=`); platform staff with PlatformStaffBackend (`staff_email=`).
AUTHENTICATION_BACKENDS = [
    "tenant_apps.accounts.backends.EmailBackend",
    "shared_apps.platform_admin.backends.PlatformStaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)
INVITATION_MAX_AGE_SECONDS = env_int("INVITATION_MAX_AGE_SECONDS", 7 * 24 * 60 * 60)
LOGIN_RATE_LIMIT_PER_EMAIL = env_int("LOGIN_RATE_LIMIT_PER_EMAIL", 10)
LOGIN_RATE_LIMIT_PER_IP = env_int("LOGIN_RATE_LIMIT_PER_IP", 50)
LOGIN_RATE_LIMIT_WINDOW_SECONDS = env_int("LOGIN_RATE_LIMIT_WINDOW_SECONDS", 15 * 60)
# Password reset requests per window (LOGIN_RATE_LIMIT_WINDOW_SECONDS): stops mail-bombing an address.
PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_RATE_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_RATE_LIMIT_PER_IP = env_int("PASSWORD_RESET_RATE_LIMIT_PER_IP", 20)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "atrium_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 60 * 60)
CSRF_COOKIE_NAME = "atrium_csrftoken"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "shared_apps.common.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Request bodies over this size get a 413 before they are parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_REQUEST_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_LOGO_BYTES = env_int("MAX_LOGO_BYTES", 512 * 1024)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".atrium" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".atrium" / "media")))
# Behind nginx: authorized /media/ answers hand the file to nginx's internal location at this prefix.
MEDIA_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_ACCEL_REDIRECT_PREFIX", "")
# Bearer token Prometheus sends to /metrics on the public host; unset, /metrics answers 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenant_apps.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shared_apps.common.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shared_apps.common.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shared_apps.common.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atrium API",
    "DESCRIPTION": "Tenant-scoped REST API of Atrium. Every error has the shape "
    '{"error": {"code": "...", "message": "...", "fields": {...}}}.',
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "tenant_apps.accounts.models.Role",
        # The mail account status appears in several components; one stable name for the frontend to import.
        "MailAccountStatusEnum": "tenant_apps.mail.models.AccountStatus",
        "AuditActionEnum": "tenant_apps.audit.models.AuditAction",
        "ActionEnum": "tenant_apps.mail.actions.Action",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shared_apps.common.openapi.add_error_responses",
    ],
}

# Team mailboxes. Fernet keys (comma separated): the first encrypts, all decrypt, so a new key goes in front and
# the old one stays until every secret is re-encrypted. Unset: a key derived from SECRET_KEY (refused in prod).
MAIL_ENCRYPTION_KEYS = env_list("MAIL_ENCRYPTION_KEYS")
MAIL_ENCRYPTION_KEYS_REQUIRED = False
MAIL_CONNECT_TIMEOUT_SECONDS = env_int("MAIL_CONNECT_TIMEOUT_SECONDS", 10)
MAIL_READ_TIMEOUT_SECONDS = env_int("MAIL_READ_TIMEOUT_SECONDS", 120)
MAIL_SYNC_BATCH_SIZE = env_int("MAIL_SYNC_BATCH_SIZE", 250)
# Messages larger than this keep only their headers and are marked truncated.
MAIL_MESSAGE_SIZE_LIMIT_BYTES = env_int("MAIL_MESSAGE_SIZE_LIMIT_BYTES", 25 * 1024 * 1024)
MAIL_SYNC_INTERVAL_SECONDS = env_int("MAIL_SYNC_INTERVAL_SECONDS", 300)
MAIL_SYNC_LOCK_SECONDS = env_int("MAIL_SYNC_LOCK_SECONDS", 30 * 60)
# Sending (outbox): the attachments of one outgoing message together, at most (larger uploads answer 413).
MAIL_SEND_SIZE_LIMIT_BYTES = env_int("MAIL_SEND_SIZE_LIMIT_BYTES", 25 * 1024 * 1024)
# "Undo send" window for users who did not choose their own (0-60 s).
MAIL_UNDO_SEND_SECONDS = env_int("MAIL_UNDO_SEND_SECONDS", 10)
# A worker holds a send this long; past it the sweep treats the send as crashed.
MAIL_SEND_LEASE_SECONDS = env_int("MAIL_SEND_LEASE_SECONDS", 300)
# Temporary failures (4xx, unreachable) are retried with backoff up to this many attempts in all.
MAIL_SEND_MAX_ATTEMPTS = env_int("MAIL_SEND_MAX_ATTEMPTS", 6)
# The minute sweep queues a due message again only when it is this late (its own task is probably lost).
MAIL_OUTBOX_SWEEP_GRACE_SECONDS = env_int("MAIL_OUTBOX_SWEEP_GRACE_SECONDS", 60)
# Draft saves within this many seconds reach the IMAP server as one APPEND.
MAIL_DRAFT_SAVE_DEBOUNCE_SECONDS = env_int("MAIL_DRAFT_SAVE_DEBOUNCE_SECONDS", 5)
# A read-only company (trial over, subscription ended, suspended) keeps its mail syncing this many days, then not.
MAIL_SYNC_READ_ONLY_DAYS = env_int("MAIL_SYNC_READ_ONLY_DAYS", 30)

# OAuth2 mail accounts (docs/decisions/0010-mail-oauth2.md). A provider is offered only when its client id and
# secret are set. Every provider sends the user back to one callback on the public host, which bounces to the
# company's host; register MAIL_OAUTH_REDIRECT_URI (default <scheme>://BASE_DOMAIN[:port]/api/mail/oauth/callback).
MAIL_OAUTH_REDIRECT_URI = env_str("MAIL_OAUTH_REDIRECT_URI", "")
MAIL_OAUTH_GOOGLE_CLIENT_ID = env_str("MAIL_OAUTH_GOOGLE_CLIENT_ID", "")
MAIL_OAUTH_GOOGLE_CLIENT_SECRET = env_str("MAIL_OAUTH_GOOGLE_CLIENT_SECRET", "")
MAIL_OAUTH_MICROSOFT_CLIENT_ID = env_str("MAIL_OAUTH_MICROSOFT_CLIENT_ID", "")
MAIL_OAUTH_MICROSOFT_CLIENT_SECRET = env_str("MAIL_OAUTH_MICROSOFT_CLIENT_SECRET", "")
MAIL_OAUTH_YAHOO_CLIENT_ID = env_str("MAIL_OAUTH_YAHOO_CLIENT_ID", "")
MAIL_OAUTH_YAHOO_CLIENT_SECRET = env_str("MAIL_OAUTH_YAHOO_CLIENT_SECRET", "")
# A company's own OAuth2 server (offered when client id, secret, authorize and token URLs and IMAP/SMTP hosts are set).
MAIL_OAUTH_GENERIC_LABEL = env_str("MAIL_OAUTH_GENERIC_LABEL", "Company account")
MAIL_OAUTH_GENERIC_CLIENT_ID = env_str("MAIL_OAUTH_GENERIC_CLIENT_ID", "")
MAIL_OAUTH_GENERIC_CLIENT_SECRET = env_str("MAIL_OAUTH_GENERIC_CLIENT_SECRET", "")
MAIL_OAUTH_GENERIC_AUTHORIZE_URL = env_str("MAIL_OAUTH_GENERIC_AUTHORIZE_URL", "")
MAIL_OAUTH_GENERIC_TOKEN_URL = env_str("MAIL_OAUTH_GENERIC_TOKEN_URL", "")
MAIL_OAUTH_GENERIC_INTROSPECTION_URL = env_str("MAIL_OAUTH_GENERIC_INTROSPECTION_URL", "")
MAIL_OAUTH_GENERIC_USERINFO_URL = env_str("MAIL_OAUTH_GENERIC_USERINFO_URL", "")
# RFC 7009 revocation endpoint: a deleted account's grant is given back there (Google's is built in).
MAIL_OAUTH_GENERIC_REVOCATION_URL = env_str("MAIL_OAUTH_GENERIC_REVOCATION_URL", "")
MAIL_OAUTH_GENERIC_SCOPES = env_str("MAIL_OAUTH_GENERIC_SCOPES", "")
MAIL_OAUTH_GENERIC_IMAP_HOST = env_str("MAIL_OAUTH_GENERIC_IMAP_HOST", "")
MAIL_OAUTH_GENERIC_IMAP_PORT = env_int("MAIL_OAUTH_GENERIC_IMAP_PORT", 993)
MAIL_OAUTH_GENERIC_IMAP_SECURITY = env_str("MAIL_OAUTH_GENERIC_IMAP_SECURITY", "tls")
MAIL_OAUTH_GENERIC_SMTP_HOST = env_str("MAIL_OAUTH_GENERIC_SMTP_HOST", "")
MAIL_OAUTH_GENERIC_SMTP_PORT = env_int("MAIL_OAUTH_GENERIC_SMTP_PORT", 465)
MAIL_OAUTH_GENERIC_SMTP_SECURITY = env_str("MAIL_OAUTH_GENERIC_SMTP_SECURITY", "tls")
# How long a started "Connect" may take until the provider sends the user back (the state expires after it).
MAIL_OAUTH_STATE_SECONDS = env_int("MAIL_OAUTH_STATE_SECONDS", 600)
# An access token this close to its expiry is refreshed before it is used.
MAIL_OAUTH_REFRESH_MARGIN_SECONDS = env_int("MAIL_OAUTH_REFRESH_MARGIN_SECONDS", 300)

# Webhooks (docs/decisions/0011-webhooks.md): attempts per delivery (retried with exponential backoff from
# WEBHOOK_RETRY_BASE_SECONDS), the time one request may take, and how many deliveries in a row may fail (every
# attempt used) before the endpoint is disabled. Private and loopback targets are refused unless allowed (DEBUG).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 5)
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", DEBUG)

# Mail sent by the platform itself (invitations, password resets).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Atrium <no-reply@{BASE_DOMAIN}>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
# The scheme used in links sent by email (invitations, password resets).
PUBLIC_URL_SCHEME = env_str("PUBLIC_URL_SCHEME", "https")
PUBLIC_URL_PORT = env_str("PUBLIC_URL_PORT", "")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that died (acks_late) goes back to the queue after this many seconds, when a worker
# starts or polls; every task is idempotent, so an early redelivery (a long eta also outlives it) costs a no-op.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600)}
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {"task": "tenants.spare_pool_refill", "schedule": 60.0, "options": {"queue": "default"}},
    "mail-sync-fanout": {"task": "mail.sync_fanout", "schedule": 300.0, "options": {"queue": "mail"}},
    "mail-outbox-sweep": {
        "task": "mail.outbox_sweep",
        "schedule": float(env_int("MAIL_OUTBOX_SWEEP_SECONDS", 60)),
        "options": {"queue": "mail"},
    },
    # Companies whose owner never confirmed the email (public schema, no tenant).
    "delete-unverified-signups": {
        "task": "signup.unverified_signups_delete",
        "schedule": 3600.0,
        "options": {"queue": "default"},
    },
}

# json (production): one JSON object per line; plain: for reading in a terminal. Both carry the request id,
# tenant schema and user id of the request or task that logged the line.
LOG_FORMAT = env_str("LOG_FORMAT", "json")

# Billing through Stripe. Without STRIPE_SECRET_KEY billing is off: every company has the unlimited plan and
# nothing calls Stripe.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Another API host than Stripe's own (tests: localstripe); empty means https://api.stripe.com.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# Free trial of a company whose plan does not say, and how long a past-due company keeps full use.
BILLING_TRIAL_DAYS = env_int("BILLING_TRIAL_DAYS", 14)
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)

# Public signup: throttles (per window), link lifetimes, and the throwaway-email hook.
SIGNUP_RATE_LIMIT_WINDOW_SECONDS = env_int("SIGNUP_RATE_LIMIT_WINDOW_SECONDS", 60 * 60)
SIGNUP_RATE_LIMIT_PER_IP = env_int("SIGNUP_RATE_LIMIT_PER_IP", 10)
SIGNUP_RATE_LIMIT_PER_EMAIL = env_int("SIGNUP_RATE_LIMIT_PER_EMAIL", 5)
SIGNUP_VERIFY_RATE_LIMIT_PER_IP = env_int("SIGNUP_VERIFY_RATE_LIMIT_PER_IP", 30)
# New verification links asked for (POST /api/signup/resend) per client IP and per email, within the window.
SIGNUP_RESEND_RATE_LIMIT_PER_IP = env_int("SIGNUP_RESEND_RATE_LIMIT_PER_IP", 10)
SIGNUP_RESEND_RATE_LIMIT_PER_EMAIL = env_int("SIGNUP_RESEND_RATE_LIMIT_PER_EMAIL", 3)
# A company made by signup whose owner has not confirmed the email after this long is deleted.
SIGNUP_UNVERIFIED_MAX_AGE_HOURS = env_int("SIGNUP_UNVERIFIED_MAX_AGE_HOURS", 48)
# Subdomain availability checks per client IP per minute (the form asks as the user types).
SUBDOMAIN_CHECK_RATE_LIMIT_PER_MINUTE = env_int("SUBDOMAIN_CHECK_RATE_LIMIT_PER_MINUTE", 120)
SIGNUP_VERIFICATION_MAX_AGE_SECONDS = env_int("SIGNUP_VERIFICATION_MAX_AGE_SECONDS", 2 * 24 * 60 * 60)
SIGNUP_LOGIN_TOKEN_SECONDS = env_int("SIGNUP_LOGIN_TOKEN_SECONDS", 120)
SIGNUP_BLOCKED_EMAIL_DOMAINS = env_list("SIGNUP_BLOCKED_EMAIL_DOMAINS")
SIGNUP_EMAIL_DOMAIN_CHECK = env_str(
    "SIGNUP_EMAIL_DOMAIN_CHECK", "shared_apps.signup.disposable.email_domain_is_disposable"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "shared_apps.observability.logs.ContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant_schema)s user=%(user_id)s] "
            "%(message)s"
        },
        "json": {"()": "shared_apps.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
