"""Settings for a deployment: every secret from the environment, HTTPS only, no sandbox."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CAPTCHA_TEST_MODE, SECRET_KEY, env, env_bool, env_list

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
    )

if CAPTCHA_TEST_MODE:
    raise ImproperlyConfigured(
        "CAPTCHA_TEST_MODE must be off in production: it makes the captcha accept PASSED."
    )

DEBUG = False
SANDBOX_ENABLED = False
SANDBOX_PERSONAS_ALLOWED = False
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@dichvucong.example")
