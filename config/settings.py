"""Petal settings, read from environment variables.

Every setting has a safe default for a laptop (development). ``PETAL_ENV=production``
switches on production behaviour and refuses to start without the secrets it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PETAL_ENV = env_str("PETAL_ENV", "development")
if PETAL_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("PETAL_ENV must be development, production or test")
PRODUCTION = PETAL_ENV == "production"
TESTING = PETAL_ENV == "test"

if PRODUCTION:
    SECRET_KEY = env_str("PETAL_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "PETAL_SECRET_KEY must be set to a random value of at least 50 characters "
            "when PETAL_ENV=production"
        )
    ALLOWED_HOSTS = env_list("PETAL_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "PETAL_ALLOWED_HOSTS must list the host names Petal answers on "
            "(comma separated) when PETAL_ENV=production"
        )
    DEBUG = False
else:
    # A fixed key is only acceptable because development and test data are fictional.
    SECRET_KEY = env_str(
        "PETAL_SECRET_KEY",
        "development-only-key-not-for-production-0123456789-abcdefghijklmnop",
    )
    ALLOWED_HOSTS = env_list(
        "PETAL_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    # Off unless asked for: even on a laptop, people trying Petal should see its own error
    # pages, never a stack trace.
    DEBUG = env_bool("PETAL_DEBUG", False)

PETAL_BASE_URL = env_str("PETAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PETAL_CONTACT_EMAIL = "changing.futures@cambridgeshire.gov.uk"
PETAL_DEMO = env_bool("PETAL_DEMO", not PRODUCTION)
# How long a safeguarding break-glass gives access to a record without consent (hours).
PETAL_BREAK_GLASS_HOURS = env_int("PETAL_BREAK_GLASS_HOURS", 72)
# How many reverse proxies in front of Petal append to X-Forwarded-For (0: none, so the header
# is ignored). The public forms' spam limit counts per visitor address (petal.core.spam).
PETAL_TRUSTED_PROXIES = max(env_int("PETAL_TRUSTED_PROXIES", 0), 0)
# Where manage.py audit_anchor appends the newest audit hash, one file per database (petal.audit
# .anchors). Keep it on other storage than the database, or copy it off the machine.
# Where manage.py backup writes when given no path (the current folder when unset).
PETAL_BACKUP_DIR = env_str("PETAL_BACKUP_DIR", "")
PETAL_AUDIT_ANCHOR_DIR = env_str("PETAL_AUDIT_ANCHOR_DIR", str(BASE_DIR / "var" / "audit-anchors"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "petal.core",
    "petal.audit",
    "petal.access",
    "petal.reference",
    "petal.accounts",
    "petal.site",
    "petal.people",
    "petal.consent",
    "petal.directory",
    "petal.referrals",
    "petal.meetings",
    "petal.champions",
    "petal.barriers",
    "petal.programme",
    "petal.outcomes",
    "petal.rights",
    "petal.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "petal.core.middleware.RequestGuardMiddleware",
    "petal.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "petal.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # PostgreSQL: tell the database who reads, for row-level security (petal.access.rls).
    "petal.access.rls.RowSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "petal.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "petal.access.middleware.AccessPolicyMiddleware",
    "petal.core.middleware.NoStoreMiddleware",
    # Axes last, as its documentation asks, so it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env_str("PETAL_URLCONF", "config.urls")
if PRODUCTION and ROOT_URLCONF != "config.urls":
    # The benchmark URLs sign anyone in: never in production.
    raise ImproperlyConfigured("PETAL_URLCONF cannot be changed when PETAL_ENV=production")
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "csp.context_processors.nonce",
                "petal.core.context_processors.petal",
            ],
        },
    },
]

# Rotating the secret key: put the old key in PETAL_SECRET_KEY_FALLBACKS (comma separated) for
# a while, so sessions, emailed links and recovery codes made with it keep working; remove it
# once they have lapsed (the longest is a password link's hour and a session's 12 hours;
# recovery codes are checked against the old key too until the user makes new ones).
SECRET_KEY_FALLBACKS = env_list("PETAL_SECRET_KEY_FALLBACKS", [])

# Databases -----------------------------------------------------------------

DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'petal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", DEFAULT_SQLITE) or DEFAULT_SQLITE,
        conn_max_age=env_int("PETAL_DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers never
    # deadlock on lock upgrade; WAL lets readers carry on while one writer writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and sign-in ------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "site:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour
if TESTING:
    # Fast hashing keeps the suite quick; real modes keep Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions expire after PETAL_SESSION_IDLE_MINUTES without a request. SessionTimeoutMiddleware
# renews the expiry at most once a minute, rather than writing the session on every request,
# and ends any session PETAL_SESSION_ABSOLUTE_HOURS after its sign-in, however busy.
SESSION_COOKIE_AGE = env_int("PETAL_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
PETAL_SESSION_RENEW_SECONDS = 60
PETAL_SESSION_ABSOLUTE_HOURS = env_int("PETAL_SESSION_ABSOLUTE_HOURS", 12)
# Sensitive actions (changing email, password or two-step sign-in, API tokens, break-glass,
# roles) ask for the password again when the last sign-in or confirmation is older than this.
PETAL_REAUTH_MINUTES = env_int("PETAL_REAUTH_MINUTES", 15)
# Two-step sign-in (a code from an authenticator app, TOTP) is required in production for every
# role that reads personal data (petal.access.policy "account.mfa_required"). The laptop, demo
# and test modes keep the one-page sign-in unless PETAL_MFA_REQUIRED=true.
PETAL_MFA_REQUIRED = env_bool("PETAL_MFA_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "Petal"
OTP_TOTP_THROTTLE_FACTOR = 1
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "petal_session"
CSRF_COOKIE_NAME = "petal_csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "petal.core.views.csrf_failure"
# Flash messages can name a person ("… has been added"): keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# django-axes: lock the account-and-address pair, never a whole office's address.
AXES_FAILURE_LIMIT = env_int("PETAL_SIGN_IN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # Petal's own audit trail records sign-ins.
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "petal.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind PETAL_TRUSTED_PROXIES reverse proxies, lock the visitor's address, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "petal.core.spam.client_address"

# Security headers ------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("PETAL_SSL_REDIRECT", True)
    # The API is refused over plain HTTP (RequestGuardMiddleware), never redirected: a client
    # that sent its token in clear must be told, not quietly moved.
    SECURE_REDIRECT_EXEMPT = [r"^api/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-petal_session"
    CSRF_COOKIE_NAME = "__Host-petal_csrftoken"

# Enforced (not report-only) in every mode. Inline scripts need the request nonce.
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

# Static files ------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "petal" / "core" / "static_build"]
if not PRODUCTION:
    # Served straight from the app and node_modules build: no collectstatic step on a laptop.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Internationalisation ------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Email and background tasks ------------------------------------------------------

EMAIL_BACKEND = env_str(
    "PETAL_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("PETAL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PETAL_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PETAL_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("PETAL_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PETAL_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("PETAL_FROM_EMAIL", "Petal <no-reply@petal.example.org>")

# Notifications (petal.core.notify): "email" sends through EMAIL_BACKEND above, "govuk_notify"
# through GOV.UK Notify with one template. Either way they never carry personal details.
PETAL_NOTIFY_BACKEND = env_str("PETAL_NOTIFY_BACKEND", "email")
if PETAL_NOTIFY_BACKEND not in {"email", "govuk_notify"}:
    raise ImproperlyConfigured(
        f"PETAL_NOTIFY_BACKEND must be email or govuk_notify, not {PETAL_NOTIFY_BACKEND!r}"
    )
PETAL_NOTIFY_API_KEY = env_str("PETAL_NOTIFY_API_KEY")
PETAL_NOTIFY_BASE_URL = env_str("PETAL_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
PETAL_NOTIFY_TEMPLATE_ID = env_str("PETAL_NOTIFY_TEMPLATE_ID")
if PRODUCTION and PETAL_NOTIFY_BACKEND == "govuk_notify":
    # A Notify key is "{key name}-{service id}-{secret}"; the two ids are 36 characters each.
    if len(PETAL_NOTIFY_API_KEY) < 74:
        raise ImproperlyConfigured(
            "PETAL_NOTIFY_API_KEY must be set to the whole API key from GOV.UK Notify "
            "(name-serviceid-secret) when PETAL_NOTIFY_BACKEND=govuk_notify in production"
        )
    if not PETAL_NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured(
            "PETAL_NOTIFY_TEMPLATE_ID must be set to the id of Petal's email template in "
            "GOV.UK Notify when PETAL_NOTIFY_BACKEND=govuk_notify in production"
        )

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_bool("PETAL_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# API ------------------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 50
PETAL_TOKEN_DEFAULT_DAYS = 90

# Logging: never log request bodies (they can carry personal data).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "petal.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("PETAL_LOG_LEVEL", "INFO")},
    "loggers": {
        # Never Django's mail_admins: error emails carry POST bodies and local variables.
        "django": {"handlers": [], "level": "INFO"},
        # At DEBUG a failed template lookup logs the whole context (the record on the page).
        "django.template": {"level": "INFO"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
