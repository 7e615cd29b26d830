"""Django itself: apps, middleware, database, cache, sessions, languages, mail."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import ConfigError, env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CONNECT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The embedded default is a development server: DEBUG on unless told otherwise.
# Production sets DEBUG=0 and must then give SECRET_KEY and SITE_URL.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_required(
    "SECRET_KEY", debug=DEBUG, dev_default="dev-only-insecure-key-never-use-in-production-0123456789"
)

# The public URL of this installation, e.g. https://connect.example.com. It is the
# OIDC issuer, the SAML entity base, and the base of every link in every mail:
# links are never built from the request's Host header.
SITE_URL = env_required("SITE_URL", debug=DEBUG, dev_default="http://localhost:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ConfigError(f"SITE_URL must be an absolute http(s) URL, not {SITE_URL!r}")
if not DEBUG and _site.scheme != "https":
    raise ConfigError("SITE_URL must use https when DEBUG is off")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [_site.hostname, "localhost", "127.0.0.1", "[::1]"] if DEBUG else [_site.hostname],
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Connect, the identity provider. `idp` owns the user model; the others are
    # small apps of their own so that each keeps its models and migrations.
    "idp",
    "idp.audit",
    "idp.oidc",
    "idp.saml",
    "idp.bankid",
    "idp.federation",
    # allauth: accounts, MFA and passkeys, federation to company IdPs.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "oauth2_provider",
    # The HR system being migrated, and the bridge that migrates it.
    "hrm",
    "provisioning",
    # Project-level pages (health, dev mailbox) and their templates.
    "config",
]

AUTH_USER_MODEL = "idp.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "idp.mfa.middleware.MfaPolicyMiddleware",  # a company's second-factor rule (idp.mfa.policy)
    "config.middleware.SecurityHeadersMiddleware",
    "idp.saml.middleware.SingleLogoutMiddleware",  # logout at Connect tells the SAML SPs
]

ROOT_URLCONF = "config.urls"
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/connect. Absent: a SQLite
# file under var/, the embedded default.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'connect.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
except Exception as exc:  # dj-database-url raises several kinds for a bad URL
    raise ConfigError(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
if _db["ENGINE"].endswith("postgresql"):
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
_test_name = env_str("DATABASE_TEST_NAME")
if _test_name:
    _db["TEST"] = {"NAME": _test_name}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# Rate-limit counters, replay caches and throttles live here, so production needs
# a cache that all processes share: REDIS_URL. Absent: per-process memory,
# fine for the single-process embedded default only.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "connect"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sessions -------------------------------------------------------------
# Server-side sessions in the database with their owner (idp.sessions): they can
# be listed and ended per person.
SESSION_ENGINE = "idp.sessions"
SESSION_COOKIE_NAME = "connect_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle timeout: every request pushes expiry forward (absolute lifetime is
# enforced by idp's session middleware).
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_AGE = env_int("CONNECT_SESSION_IDLE_SECONDS", 30 * 60)

# --- Passwords ------------------------------------------------------------
# Argon2id first, at OWASP's parameters (see idp/hashers.py); the others only
# verify old hashes, which Django upgrades at the next successful login.
PASSWORD_HASHERS = [
    "idp.hashers.ConnectArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Last, so it never hashes a password: OAuth client secrets only (idp.oidc).
    "idp.oidc.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "connect_language"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# --- Mail -----------------------------------------------------------------
# EMAIL_HOST set: real SMTP. Absent: the dev mailbox (files under var/mail,
# readable at /dev/mailbox/ while DEBUG is on).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Connect <no-reply@connect.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "config.devmail.DevMailboxBackend"
DEV_MAILBOX_DIR = VAR_DIR / "mail"
# The mailbox pages are routed only in development (decided at start, not per request).
DEV_MAILBOX_ENABLED = DEBUG
