"""Settings for `make run`: a developer's machine, SQLite by default, the sandbox console on."""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CA,
    CERTIFICATE_AUTHORITY,
    MOBILE_OPERATOR,
    NATIONAL_LOGIN,
    PROVINCIAL_PORTAL,
    REGISTRY,
    SANDBOX_BASE_URL,
    VNEID,
    VNEID_PROVIDER,
    env,
    env_bool,
)

# Off by default so that `make run` shows the portal's own error pages, as production does;
# DJANGO_DEBUG=1 brings back Django's debug pages. WhiteNoise serves static files either way.
DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-not-for-production")
# A class on a trainer's LAN reaches the sandbox at http://<LAN address> (README "A class"):
# Authlib refuses OAuth over plain http except on loopback, which refused every VNeID login
# and national login at such an address. The sandbox allows it; production settings do not.
if urlsplit(SANDBOX_BASE_URL).scheme == "http":
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
# The sandbox's own keys and client, registered by `make run`, and every organisation at the
# address people type (SANDBOX_BASE_URL); the environment still wins.
# Every organisation answers from this one machine, so a class's forty password checks compete
# with the registry call for the same cores: give the portal's calls more than 3 s (in the class
# bench on SQLite, 1 of 40 CCCD links timed out at 3 s).
LOCAL_CALL_TIMEOUT_SECONDS = 10.0
REGISTRY = {
    "BASE_URL": f"{SANDBOX_BASE_URL}/registry/api/v1/",
    "API_KEY": "dvcr_local_portal_key_for_the_sandbox_only",
    "TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **REGISTRY,
}
MOBILE_OPERATOR = {
    "BASE_URL": f"{SANDBOX_BASE_URL}/nha-mang/api/v1/",
    "API_KEY": "dvcm_local_portal_key_for_the_sandbox_only",
    "TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **MOBILE_OPERATOR,
}
CA = {
    "BASE_URL": f"{SANDBOX_BASE_URL}/ca/",
    "TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **CA,
}
CERTIFICATE_AUTHORITY = {"PUBLIC_BASE_URL": CA["BASE_URL"], **CERTIFICATE_AUTHORITY}
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", True)
VNEID = {
    "ISSUER": f"{SANDBOX_BASE_URL}/vneid",
    "CLIENT_ID": "dvcqg-portal-sandbox",
    "CLIENT_SECRET": "dvcqg-portal-sandbox-secret-not-for-production",
    "TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **VNEID,
}
# VNeID reaches the business registry over HTTP with its own key, registered by `make run`.
VNEID_PROVIDER = {
    "BUSINESS_REGISTRY_URL": f"{SANDBOX_BASE_URL}/business-registry/api/v1/",
    "BUSINESS_REGISTRY_API_KEY": "dvcb_local_vneid_key_for_the_sandbox_only",
    "BUSINESS_REGISTRY_TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **VNEID_PROVIDER,
}
# The provincial portal logs in at the national login service as its sandbox client.
PROVINCIAL_PORTAL = {
    "NATIONAL_LOGIN_ISSUER": f"{SANDBOX_BASE_URL}/xacthuc",
    "CLIENT_ID": "qnam-portal-sandbox",
    "CLIENT_SECRET": "qnam-portal-sandbox-secret-not-for-production",
    "TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **PROVINCIAL_PORTAL,
}
NATIONAL_LOGIN = {
    "VNEID_ISSUER": f"{SANDBOX_BASE_URL}/vneid",
    "VNEID_CLIENT_ID": "xacthuc-sandbox",
    "VNEID_CLIENT_SECRET": "xacthuc-sandbox-secret-not-for-production",
    "VNEID_TIMEOUT_SECONDS": LOCAL_CALL_TIMEOUT_SECONDS,
    **NATIONAL_LOGIN,
}
# Mail lands in the sandbox outbox (/sandbox/) instead of leaving the machine.
EMAIL_BACKEND = "sandbox.mail.OutboxEmailBackend"
SANDBOX_API_TOKEN = env("SANDBOX_API_TOKEN", "dvcs_local_sandbox_token_for_classes_and_ci")
# Trainees on the local network reach the server by the address the trainer gave them.
ALLOWED_HOSTS = list(dict.fromkeys([*ALLOWED_HOSTS, urlsplit(SANDBOX_BASE_URL).hostname or ""]))
