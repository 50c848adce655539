"""Settings shared by every environment; values that differ come from the environment."""

import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, overload

import bootstrap
import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_settings(**keys: str | tuple[str, Callable[[str], Any]]) -> dict[str, Any]:
    """Return a settings object's keys whose environment variable is set, converted.

    Each key names its variable, or (variable, type). The defaults are declared once, next to
    the code that reads the object (e.g. identity/relying_party/conf.py).
    """
    values: dict[str, Any] = {}
    for key, source in keys.items():
        variable, convert = source if isinstance(source, tuple) else (source, str)
        if variable in os.environ:
            values[key] = convert(os.environ[variable])
    return values


SECRET_KEY = env("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    # The admin with the officials' two-factor login (portal.admin_site.PortalAdminSite).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "captcha",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "accounts",
    "identity.relying_party",
    "identity.national_login",
    "citizen_registry",
    "business_registry",
    "vneid",
    "mobile_operator",
    "certificate_authority",
    "provincial_portal",
    # Spans the three organisations on purpose: personas, resets and fault injection.
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session holds a second factor (admin login).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.CccdRequiredMiddleware",
    # Last, so that a lockout is answered after everything else has seen the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Reopening a connection per request costs more than the registry's whole verify call.
        conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the threaded dev server read while another thread writes (the portal calls
    # the registry API on itself); IMMEDIATE avoids "database is locked" on upgrade to write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CmndOrCccdBackend",
    "accounts.backends.OrganisationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Which logins the portal offers (README "Chính sách đăng nhập"): legacy, transition (every
# login, with a banner asking to link the CCCD), vneid_only (Nghị định 59/2022, 01/7/2024) or
# vneid_only_all (Nghị định 69/2024, 01/7/2025: organisations' legacy accounts refused too).
# The sandbox console can override it at run time.
PORTAL_LOGIN_POLICY = env("PORTAL_LOGIN_POLICY", "transition")
if PORTAL_LOGIN_POLICY not in ("legacy", "transition", "vneid_only", "vneid_only_all"):
    raise ImproperlyConfigured(
        "PORTAL_LOGIN_POLICY must be legacy, transition, vneid_only or vneid_only_all, "
        f"not {PORTAL_LOGIN_POLICY!r}."
    )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "dvc_sessionid"
CSRF_COOKIE_NAME = "dvc_csrftoken"
# A failed CSRF check gets the portal's Vietnamese 403 page, not Django's English one.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

LANGUAGE_CODE = "vi"
# Vietnamese for the few strings Django itself leaves in English (the admin's "Error:").
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("vi", "Tiếng Việt")]
# Day first when officials type a date (portal/formats/vi), as Vietnamese write it.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the bootstrap-wrapper wheel so the portal works offline, without a CDN.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", Path(next(iter(bootstrap.__path__))))]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Captcha: CAPTCHA_TEST_MODE=1 makes the captcha accept the answer "PASSED" (for automation).
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE")
CAPTCHA_LENGTH = 6
CAPTCHA_TIMEOUT = 5
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
# The challenge read aloud for people who cannot see the image, when Debian's flite is installed.
CAPTCHA_FLITE_PATH = env("CAPTCHA_FLITE_PATH") or shutil.which("flite")

# Login throttling: 5 failures lock the account name, 20 its address, for 15 minutes (a class
# or an office shares one address).
AXES_FAILURE_LIMIT = 5
PORTAL_LOGIN_FAILURES_PER_ADDRESS = int(env("PORTAL_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A success clears only its own account's failures, never the rest of its address's.
AXES_HANDLER = "accounts.throttling.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Scripts and styles come from our static files only; an inline <script> or <style> needs
# nonce="{{ request.csp_nonce }}". data: images are Bootstrap's form icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Officials' second factor: the issuer shown by authenticator apps for admin TOTP devices.
OTP_TOTP_ISSUER = "Cổng DVCQG (thử nghiệm)"

# One settings object per organisation (README "Configuration"): here only what the
# environment sets; each key's default and meaning sit in the reading package's conf.py.
# The portal's clients: the population database (accounts/conf.py), reached over HTTP like
# any other consuming system would, VNeID as an OpenID Connect provider
# (identity/relying_party/conf.py), the mobile operator's signing and SMS API and the sandbox
# CA's root and CRL (accounts/conf.py).
# The address people type to reach this server (a trainer's LAN address for a class); in
# local settings every address the sandbox registers or prints follows it unless set one by one.
SANDBOX_BASE_URL = env("SANDBOX_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
REGISTRY = env_settings(
    BASE_URL="REGISTRY_BASE_URL",
    API_KEY="REGISTRY_API_KEY",
    TIMEOUT_SECONDS=("REGISTRY_TIMEOUT_SECONDS", float),
)
VNEID = env_settings(
    ISSUER="VNEID_ISSUER",
    CLIENT_ID="VNEID_CLIENT_ID",
    CLIENT_SECRET="VNEID_CLIENT_SECRET",
    SCOPES="VNEID_SCOPES",
    REQUIRED_LEVEL=("VNEID_REQUIRED_LEVEL", int),
    TIMEOUT_SECONDS=("VNEID_TIMEOUT_SECONDS", float),
    REDIRECT_URI="VNEID_REDIRECT_URI",
    POST_LOGOUT_REDIRECT_URI="VNEID_POST_LOGOUT_REDIRECT_URI",
)
# The provincial portal of Quảng Nam, a client of the national login service
# (provincial_portal/conf.py).
PROVINCIAL_PORTAL = env_settings(
    NATIONAL_LOGIN_ISSUER="PROVINCIAL_PORTAL_NATIONAL_LOGIN_ISSUER",
    CLIENT_ID="PROVINCIAL_PORTAL_CLIENT_ID",
    CLIENT_SECRET="PROVINCIAL_PORTAL_CLIENT_SECRET",
    ACR_VALUES="PROVINCIAL_PORTAL_ACR_VALUES",
    TIMEOUT_SECONDS=("PROVINCIAL_PORTAL_TIMEOUT_SECONDS", float),
    REDIRECT_URI="PROVINCIAL_PORTAL_REDIRECT_URI",
    POST_LOGOUT_REDIRECT_URI="PROVINCIAL_PORTAL_POST_LOGOUT_REDIRECT_URI",
)
# The Government Office's national login service (identity/national_login/conf.py): its own
# issuer, and its registration at VNeID as a relying party.
NATIONAL_LOGIN = env_settings(
    ISSUER="NATIONAL_LOGIN_ISSUER",
    VNEID_ISSUER="NATIONAL_LOGIN_VNEID_ISSUER",
    VNEID_CLIENT_ID="NATIONAL_LOGIN_VNEID_CLIENT_ID",
    VNEID_CLIENT_SECRET="NATIONAL_LOGIN_VNEID_CLIENT_SECRET",
    VNEID_TIMEOUT_SECONDS=("NATIONAL_LOGIN_VNEID_TIMEOUT_SECONDS", float),
    VNEID_REDIRECT_URI="NATIONAL_LOGIN_VNEID_REDIRECT_URI",
)
MOBILE_OPERATOR = env_settings(
    BASE_URL="MOBILE_OPERATOR_BASE_URL",
    API_KEY="MOBILE_OPERATOR_API_KEY",
    TIMEOUT_SECONDS=("MOBILE_OPERATOR_TIMEOUT_SECONDS", float),
)
CA = env_settings(
    BASE_URL="CA_BASE_URL",
    TIMEOUT_SECONDS=("CA_TIMEOUT_SECONDS", float),
    ROOT_SHA256="CA_ROOT_SHA256",
    ROOT_CACHE_SECONDS=("CA_ROOT_CACHE_SECONDS", int),
    CRL_CACHE_SECONDS=("CA_CRL_CACHE_SECONDS", int),
)
# The organisations' own sides: the registry API's limits (citizen_registry/conf.py), the
# simulated VNeID (vneid/conf.py), the CA's public address
# (certificate_authority/conf.py) and the operator's signing wait (mobile_operator/conf.py).
REGISTRY_API = env_settings(
    RATE_LIMIT_PER_KEY=("REGISTRY_API_RATE_LIMIT_PER_KEY", int),
    RATE_LIMIT_PER_ADDRESS=("REGISTRY_API_RATE_LIMIT_PER_ADDRESS", int),
)
# The business registration database's own limits (business_registry/conf.py).
BUSINESS_REGISTRY = env_settings(
    RATE_LIMIT_PER_KEY=("BUSINESS_REGISTRY_RATE_LIMIT_PER_KEY", int),
    RATE_LIMIT_PER_ADDRESS=("BUSINESS_REGISTRY_RATE_LIMIT_PER_ADDRESS", int),
)
VNEID_PROVIDER = env_settings(
    ISSUER="VNEID_PROVIDER_ISSUER",
    FAILURES_PER_ADDRESS=("VNEID_PROVIDER_FAILURES_PER_ADDRESS", int),
    BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS=("VNEID_PROVIDER_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS", float),
    # VNeID's client of the business registry (vneid/business_registry_client.py).
    BUSINESS_REGISTRY_URL="VNEID_BUSINESS_REGISTRY_URL",
    BUSINESS_REGISTRY_API_KEY="VNEID_BUSINESS_REGISTRY_API_KEY",
    BUSINESS_REGISTRY_TIMEOUT_SECONDS=("VNEID_BUSINESS_REGISTRY_TIMEOUT_SECONDS", float),
)
# Without its own address the CA writes the one the portal reaches it at.
CERTIFICATE_AUTHORITY = env_settings(PUBLIC_BASE_URL="CA_BASE_URL") | env_settings(
    PUBLIC_BASE_URL="CA_PUBLIC_BASE_URL"
)
MOBILE_OPERATOR_NETWORK = env_settings(SIGNING_SECONDS=("MOBILE_OPERATOR_SIGNING_SECONDS", int))

# Several app servers behind a load balancer share one Redis when REDIS_URL is set
# (redis://127.0.0.1:6379/0): the cache, sessions (cached_db: Redis in front, PostgreSQL
# behind, so a Redis restart logs nobody out) and the registry's rate limits move there.
# Without it (`make run`), each process keeps its own cache and the rest stays in the database.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # redis-py picks the hiredis parser by itself when hiredis is installed.
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "dvc"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    REGISTRY_API["STORE"] = "cache"
    BUSINESS_REGISTRY["STORE"] = "cache"
# Signature logins (USB ký số, Sim ký số): a challenge is single-use and lives this long.
SIGNATURE_CHALLENGE_SECONDS = int(env("SIGNATURE_CHALLENGE_SECONDS", "120"))
# The signing plugin on the citizen's computer; in the sandbox, a simulated one.
SIGNING_PLUGIN_URL = env("SIGNING_PLUGIN_URL", "/sandbox/plugin-ky-so/")

SANDBOX_ENABLED = False
# Workspaces (a class's seats, a CI pipeline's run): lifetime and the most seats in one class.
SANDBOX_WORKSPACE_DAYS = int(env("SANDBOX_WORKSPACE_DAYS", "7"))
SANDBOX_CLASS_SEAT_LIMIT = int(env("SANDBOX_CLASS_SEAT_LIMIT", "200"))
# The bearer token of the sandbox API (POST/DELETE /sandbox/api/v1/workspaces); "" turns it off.
SANDBOX_API_TOKEN = env("SANDBOX_API_TOKEN", "")
# Persona commands create accounts with published passwords, an official among them.
SANDBOX_PERSONAS_ALLOWED = True
DEFAULT_FROM_EMAIL = "Cổng Dịch vụ công Quốc gia <no-reply@dichvucong.example>"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
