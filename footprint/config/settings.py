"""Django settings for Footprint.

Everything that differs between a laptop and production comes from the environment:

- ``DJANGO_DEBUG``: ``true`` turns debug on (off unless asked for).
- ``DJANGO_SECRET_KEY``: required unless debug is on.
- ``DATABASE_URL``: defaults to an SQLite file in ``var/``; ``postgres://…`` for PostgreSQL.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated, defaults to localhost.
- ``FOOTPRINT_TASKS``: ``immediate`` (in-process, the default) or ``database`` (a worker process).
- ``FOOTPRINT_TRUSTED_PROXIES``: how many reverse proxies stand in front of the site (0, the
  default, when none): the client's address is read that far from the right of X-Forwarded-For.
- ``FOOTPRINT_DASK_SCHEDULER``: a Dask scheduler's address (``tcp://host:8786``) to run demand
  model iterations on a cluster; blank (the default) runs them on threads in the worker.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FOOTPRINT_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    """Read a true/false environment variable, failing loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not true or false. Hint: use {name}=true.")


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Hint: set it to a long random string, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, "
            "or set DJANGO_DEBUG=true on a laptop."
        )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

FOOTPRINT_APPS = [
    "core",
    "partnership",
    "plans",
    "decisions",
    "demand",
    "workforce",
    "finance",
    "engagement",
    "flow",
    "winter",
    "inequalities",
    "api",
    "demo",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    # Django Ninja serves the API docs' Swagger UI from its own static files, not a CDN that
    # the content-security policy (rightly) blocks.
    "ninja",
    *[f"footprint.{app}" for app in FOOTPRINT_APPS],
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a body (the CSRF check reads a form's whole body); after the
    # person and the page's script nonce are known, so that its page has the usual header.
    "footprint.core.middleware.RefuseOversizedBodies",
    "footprint.core.middleware.RejectNulCharacters",
    # A POST-only address opened in the browser: a page saying so, not an empty 405.
    "footprint.core.middleware.ExplainFormOnlyAddresses",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # The busiest public pages kept for visitors not logged in (core/pagecache.py).
    "footprint.core.pagecache.PublicPageCache",
    # Last, to see the view's exception: a lost database connection is retried once for a
    # read and refused cleanly (503, nothing half-written) for a write.
    "footprint.core.middleware.DatabaseWentAway",
]

ROOT_URLCONF = "footprint.config.urls"
WSGI_APPLICATION = "footprint.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        # Each Footprint app keeps its pages in <app>/templates/<app>/.
        "DIRS": [BASE_DIR / "footprint" / app / "templates" for app in FOOTPRINT_APPS],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "footprint.config.jinja.environment"},
    },
    {
        # Django's own templates: the admin and its login.
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
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'footprint.sqlite3'}", conn_max_age=60
    )
}
# A persistent connection is checked before each request reuses it, so one that died while
# idle (a PostgreSQL restart) is replaced instead of failing the request (core.middleware.
# DatabaseWentAway covers one that dies during a request).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # A writer waits up to 30 s for another's transaction (SQLite takes one writer at a
        # time) before "database is locked", rather than Python's 5 s (probe F1b).
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
FORMS_URLFIELD_ASSUME_HTTPS = True
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "partnership:workspace"
LOGOUT_REDIRECT_URL = "partnership:home"

# Login throttling: five failures for a username from one address locks it for an hour.
# A link to reset a forgotten password works for a day (footprint.core.passwords).
PASSWORD_RESET_TIMEOUT = 24 * 3600
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.jinja"

# The client's real address behind N reverse proxies (X-Forwarded-For read from the right);
# 0, the default, takes REMOTE_ADDR. The login lockout and every rate limit use it.
FOOTPRINT_TRUSTED_PROXIES = int(os.environ.get("FOOTPRINT_TRUSTED_PROXIES", "0"))
# How long a public page is kept for visitors not logged in, at most (any audited change, such
# as a publication, renews it at once); 0 turns the cache off, as it is by default in debug.
FOOTPRINT_PAGE_CACHE_SECONDS = int(
    os.environ.get("FOOTPRINT_PAGE_CACHE_SECONDS", "0" if DEBUG else "300")
)
AXES_CLIENT_IP_CALLABLE = "footprint.core.ratelimit.client_address"

# Cookies and transport.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is served over HTTPS only, behind a reverse proxy that ends TLS and says so in a
# header it sets itself (removing any copy a client sent): DJANGO_PROXY_SSL_HEADER names it
# (default X-Forwarded-Proto; blank when there is no proxy). Plain HTTP is redirected to HTTPS,
# and browsers are told to use nothing else for a year (HSTS). See docs/operating.md.
_proxy_header = os.environ.get("DJANGO_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", default=True)

# Content security policy: our own scripts and styles only, inline scripts by nonce, no
# 'unsafe-eval' (charts run Vega's expression interpreter: `ast: true` in core/init.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:", "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files kept (messages' attachments), under random names. Never served as they are:
# only through the views that check who may have each one.
MEDIA_ROOT = Path(os.environ.get("FOOTPRINT_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# A request's body other than its files (a form, an API call's JSON) is refused over 2.5 MB
# (RequestDataTooBig, answered in words); an uploaded file over 2.5 MB is written to a temporary
# file instead of held in memory. Each kind of upload has its own limit on the file itself
# (footprint.core.imports: Limits), checked before the file is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks = os.environ.get("FOOTPRINT_TASKS", "immediate")
if _tasks not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"FOOTPRINT_TASKS={_tasks!r}: use 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks]}}
FOOTPRINT_DASK_SCHEDULER = os.environ.get("FOOTPRINT_DASK_SCHEDULER", "")

_LOG_LEVEL = os.environ.get("FOOTPRINT_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal links (message, invitation and password links) never reach the logs.
    "filters": {"personal_links": {"()": "footprint.config.log_filters.RedactPersonalLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_links"]},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    # Django's own loggers (404s, the development server's request lines) through the same
    # filtered handler, not Django's unfiltered defaults.
    "loggers": {
        "django": {"handlers": ["console"], "level": _LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Email: printed to the console on a laptop; in production sent by SMTP, never printed (the
# emails hold personal links, which must not reach the logs).
# Templates fail on a misspelt name in DEBUG and in the tests (which set this); in production
# an undefined name renders empty rather than failing a page.
FOOTPRINT_STRICT_TEMPLATES = DEBUG
# The site's address, on which every emailed link is built: required in production (the check
# footprint.E002 refuses to start without it, see core/checks.py).
FOOTPRINT_SITE_URL_SET = bool(os.environ.get("FOOTPRINT_SITE_URL", "").strip())
FOOTPRINT_SITE_URL = os.environ.get("FOOTPRINT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many days an invitation's one-time link to set a password works.
FOOTPRINT_INVITATION_DAYS = int(os.environ.get("FOOTPRINT_INVITATION_DAYS", "14"))
# How long a background job may run before it is taken for one whose worker died.
FOOTPRINT_JOB_TIME_LIMIT_MINUTES = int(os.environ.get("FOOTPRINT_JOB_TIME_LIMIT_MINUTES", "60"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "footprint@localhost")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
PRINTING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if not DEBUG and EMAIL_BACKEND in PRINTING_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_BACKEND={EMAIL_BACKEND!r} writes every email, personal links included, "
        "to the console or to files. Hint: in production use "
        "django.core.mail.backends.smtp.EmailBackend with DJANGO_EMAIL_HOST, or "
        "DJANGO_DEBUG=true on a laptop."
    )
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS")
