"""Settings of the third portal: every value about the national login service from the document.

The test that starts this site passes the service's issuer and the portal's client in the
environment; the endpoint paths are those docs/national-login.md lists.
"""

import os

SECRET_KEY = "third-portal-test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "mozilla_django_oidc",
    "tests.integration.third_portal",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.integration.third_portal.urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["THIRD_PORTAL_DB"]}
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
# Its own cookie: the sandbox's portals answer on the same host name (cookies ignore ports).
SESSION_COOKIE_NAME = "third_portal_session"
CSRF_COOKIE_NAME = "third_portal_csrftoken"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AUTHENTICATION_BACKENDS = ["tests.integration.third_portal.backend.NationalLoginBackend"]

# docs/national-login.md, "Endpoints": the issuer, and every endpoint below it.
NATIONAL_LOGIN_ISSUER = os.environ["NATIONAL_LOGIN_ISSUER"].rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{NATIONAL_LOGIN_ISSUER}/oauth2/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{NATIONAL_LOGIN_ISSUER}/oauth2/token"
OIDC_OP_USER_ENDPOINT = f"{NATIONAL_LOGIN_ISSUER}/oauth2/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{NATIONAL_LOGIN_ISSUER}/oauth2/jwks"
NATIONAL_LOGIN_END_SESSION_ENDPOINT = f"{NATIONAL_LOGIN_ISSUER}/oauth2/logout"
OIDC_RP_CLIENT_ID = os.environ["THIRD_PORTAL_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = os.environ["THIRD_PORTAL_CLIENT_SECRET"]
# ID tokens: RS256 with a kid; scope openid; LoA1 unless the test asks for LoA2.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "LoA1"}
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATE_CLASS = "tests.integration.third_portal.views.Authenticate"
OIDC_CALLBACK_CLASS = "tests.integration.third_portal.views.Callback"
OIDC_OP_LOGOUT_URL_METHOD = "tests.integration.third_portal.views.end_session_url"
LOGIN_REDIRECT_URL = "/"
LOGIN_REDIRECT_URL_FAILURE = "/dang-nhap-that-bai/"
LOGOUT_REDIRECT_URL = "/"
# Errors to the server's log (gunicorn's output), where the tests' failure report shows them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "mozilla_django_oidc": {"handlers": ["console"], "level": "WARNING"},
    },
}
