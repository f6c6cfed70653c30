"""Relaydesk settings: read from the environment only (see docs/configuration.md)."""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.utils.csp import CSP


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
HOME = Path(env_str("RELAYDESK_HOME", "var")).resolve()

DEBUG = env_bool("RELAYDESK_DEBUG")
TESTING = env_bool("RELAYDESK_TESTING")
DEMO = env_bool("RELAYDESK_DEMO")

SECRET_KEY = env_str("RELAYDESK_SECRET_KEY")
if not SECRET_KEY:
    # Development convenience only: the system check `relaydesk.E001` refuses this key when
    # RELAYDESK_DEBUG is off and the process serves traffic.
    SECRET_KEY = "insecure-development-key-set-RELAYDESK_SECRET_KEY"  # noqa: S105

BASE_URL = env_str("RELAYDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(BASE_URL)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
if _base.hostname and _base.hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_base.hostname)
ALLOWED_HOSTS += [h for h in env_str("RELAYDESK_ALLOWED_HOSTS").split(",") if h]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"] if _base.scheme else []
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _base.scheme == "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "channels",
    "relaydesk.core",
    "relaydesk.accounts",
    "relaydesk.tickets",
    "relaydesk.desk",
    "relaydesk.search",
    "relaydesk.savedviews",
    "relaydesk.api",
    "relaydesk.webhooks",
    "ninja",
    "relaydesk.sla",
    "relaydesk.portal",
    "relaydesk.kb",
    "relaydesk.automation",
    "relaydesk.mail",
    "relaydesk.mailtemplates",
    "relaydesk.notifications",
    "relaydesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "relaydesk.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relaydesk.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "relaydesk.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "relaydesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relaydesk.core.context_processors.relaydesk",
            ],
        },
    },
    {  # hot fragments only: see relaydesk/core/jinja.py
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "relaydesk.core.jinja.environment"},
    },
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{HOME / 'relaydesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process, not persistent connections: under ASGI every request runs in a
    # thread of its own, and CONN_MAX_AGE kept one connection per finished request's thread
    # (32 clients exhausted PostgreSQL's 100 connections within seconds).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("RELAYDESK_DB_POOL_SIZE", 8),
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database is a file as well (not shared-cache memory, which fails concurrent
    # writers with "table is locked" instead of waiting), so tests see WAL and busy_timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["relaydesk.accounts.backends.EmailBackend"]
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "desk:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REDIS_URL = env_str("REDIS_URL")
WEB_WORKERS = env_int("RELAYDESK_WEB_WORKERS", 1)  # `relaydesk serve` processes
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("RELAYDESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("ro", "Română"),
    ("pl", "Polski"),
    ("fa", "فارسی"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Collected static files; tests serve them straight from the apps (WHITENOISE_USE_FINDERS).
STATIC_ROOT = None if TESTING else HOME / "static"
STATICFILES_DIRS = [PROJECT_DIR / "node_modules" / "htmx.org" / "dist"]
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Knowledge-base images (KB1): bytes per file and pixels per image (decompression bombs).
KB_IMAGE_MAX_BYTES = env_int("RELAYDESK_KB_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
KB_IMAGE_MAX_PIXELS = env_int("RELAYDESK_KB_IMAGE_MAX_PIXELS", 40_000_000)

# Attachments (TK6): per file and per message limits, and content types never served inline.
ATTACHMENT_MAX_BYTES = env_int("RELAYDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("RELAYDESK_ATTACHMENT_MAX_FILES", 10)
ATTACHMENT_FORBIDDEN_EXTENSIONS = {
    ".exe",
    ".com",
    ".bat",
    ".cmd",
    ".scr",
    ".pif",
    ".msi",
    ".js",
    ".vbs",
    ".jar",
    ".ps1",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Satisfaction survey after a request is solved (PO5): "good_bad" or "five" (1 to 5).
CSAT_SCALE = env_str("RELAYDESK_CSAT_SCALE", "good_bad")

TICKET_NUMBER_OFFSET = 10000

# Mail (CH1–CH3): the subject token is "[<token><number>]", e.g. [#10042].
MAIL_SUBJECT_TOKEN = env_str("RELAYDESK_MAIL_SUBJECT_TOKEN", "#")
MAIL_MAX_BYTES = env_int("RELAYDESK_MAIL_MAX_BYTES", 50 * 1024 * 1024)
MAIL_SENDER_LIMIT_PER_HOUR = env_int("RELAYDESK_MAIL_SENDER_LIMIT_PER_HOUR", 60)
# Provider inbound webhooks at /mail/webhooks/<provider>/inbound/ (django-anymail): HTTP basic
# auth "user:password"; unset, a random secret refuses every call.
ANYMAIL = {
    "WEBHOOK_SECRET": env_str("RELAYDESK_MAIL_WEBHOOK_SECRET") or secrets.token_urlsafe(),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("RELAYDESK_MAILGUN_SIGNING_KEY")
    or secrets.token_urlsafe(),
}
TICKET_LIST_PAGE_SIZE = 50

# Periodic jobs (`core/schedule.py`): seconds between a worker's looks at what is due.
SCHEDULER_INTERVAL = env_int("RELAYDESK_SCHEDULER_INTERVAL", 30)
# Archive (TK13): closed tickets untouched this many days are archived; 0 never archives.
ARCHIVE_AFTER_DAYS = env_int("RELAYDESK_ARCHIVE_AFTER_DAYS", 90)

# Agents' notifications (CO5): seconds a notification mail waits to gather what follows into
# one message; minutes a ticket waits in the assignment queue before supervisors hear (0 = off).
NOTIFY_MAIL_DELAY = env_int("RELAYDESK_NOTIFY_MAIL_DELAY", 60)
QUEUE_WAIT_ALERT_MINUTES = env_int("RELAYDESK_QUEUE_WAIT_ALERT_MINUTES", 30)

# REST API (AP1): requests a minute per token (or per signed-in person).
API_RATE_LIMIT = env_int("RELAYDESK_API_RATE_LIMIT", 600)

# Webhooks (AP2): attempts per delivery, failures in a row before an endpoint is disabled,
# seconds per request; private addresses only where explicitly allowed (tests, closed networks).
WEBHOOK_MAX_ATTEMPTS = env_int("RELAYDESK_WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_DISABLE_AFTER = env_int("RELAYDESK_WEBHOOK_DISABLE_AFTER", 20)
WEBHOOK_TIMEOUT = env_int("RELAYDESK_WEBHOOK_TIMEOUT", 10)
WEBHOOK_ALLOW_PRIVATE = env_bool("RELAYDESK_WEBHOOK_ALLOW_PRIVATE")


def mailer_from_url(url: str) -> dict[str, object]:
    """EMAIL_URL → a MAILERS entry: smtp://user:pass@host:port (STARTTLS with ?tls),
    submission://... (587, STARTTLS), smtps://... (465, TLS), console://, locmem://, file:///dir.
    An unknown scheme gives a backend path that the system check `relaydesk.E003` reports."""
    parts = urlsplit(url or "console://")
    backends = "django.core.mail.backends"
    if parts.scheme == "console":
        return {"BACKEND": f"{backends}.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": f"{backends}.locmem.EmailBackend"}
    if parts.scheme == "file":
        return {
            "BACKEND": f"{backends}.filebased.EmailBackend",
            "OPTIONS": {"file_path": parts.path},
        }
    if parts.scheme in {"smtp", "smtps", "submission"}:
        default_port = {"smtp": 25, "smtps": 465, "submission": 587}[parts.scheme]
        return {
            "BACKEND": f"{backends}.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or default_port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                # "?tls" has no value: keep_blank_values, or it is dropped. smtps is TLS already.
                "use_tls": parts.scheme == "submission"
                or (
                    parts.scheme == "smtp"
                    and "tls" in parse_qs(parts.query, keep_blank_values=True)
                ),
                "timeout": 20,
            },
        }
    return {"BACKEND": f"invalid-email-url-scheme.{parts.scheme or 'none'}"}


EMAIL_URL = env_str("EMAIL_URL")
MAILERS = {"default": mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = env_str("RELAYDESK_FROM_EMAIL", f"Relaydesk <support@{_base.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SITE_NAME = env_str("RELAYDESK_SITE_NAME", "Relaydesk")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING" if TESTING else "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
