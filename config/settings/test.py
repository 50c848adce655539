"""Settings for pytest: fast hashing, captcha in test mode, the sandbox console on."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REGISTRY

SECRET_KEY = "test-only-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CAPTCHA_TEST_MODE = True
REGISTRY = {
    "BASE_URL": REGISTRY.get("BASE_URL", "http://registry.test/registry/api/v1/"),
    "API_KEY": "dvcr_test_portal_key",
    "TIMEOUT_SECONDS": 2,
}
SANDBOX_ENABLED = True
# Tests set every organisation's object whole: the machine's environment never leaks in.
VNEID = {
    "ISSUER": "http://vneid.test/vneid",
    "CLIENT_ID": "dvcqg-portal-test",
    "CLIENT_SECRET": "dvcqg-portal-test-secret",
    "TIMEOUT_SECONDS": 2,
}
VNEID_PROVIDER = {}
PROVINCIAL_PORTAL = {
    "NATIONAL_LOGIN_ISSUER": "http://xacthuc.test/xacthuc",
    "CLIENT_ID": "qnam-portal-test",
    "CLIENT_SECRET": "qnam-portal-test-secret",
    "TIMEOUT_SECONDS": 2,
}
NATIONAL_LOGIN = {
    "VNEID_ISSUER": "http://vneid.test/vneid",
    "VNEID_CLIENT_ID": "xacthuc-test",
    "VNEID_CLIENT_SECRET": "xacthuc-test-secret",
    "VNEID_TIMEOUT_SECONDS": 2,
    "BACKCHANNEL_TIMEOUT_SECONDS": 1,
}
MOBILE_OPERATOR = {
    "BASE_URL": "http://operator.test/nha-mang/api/v1/",
    "API_KEY": "dvcm_test_portal_key",
    "TIMEOUT_SECONDS": 2,
}
MOBILE_OPERATOR_NETWORK = {}
CA = {"BASE_URL": "http://ca.test/ca/", "TIMEOUT_SECONDS": 2}
CERTIFICATE_AUTHORITY = {"PUBLIC_BASE_URL": "http://ca.test/ca/"}
REGISTRY_API = {}
BUSINESS_REGISTRY = {}
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory test database; the WAL pragmas of base do not apply to it.
    # No WAL: the registry's bulk load switches the journal mode, which WAL refuses while the
    # live server's threads hold connections.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA synchronous=OFF;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: the live server's threads then each get their own connection and
    # wait for each other's writes as in production, instead of sharing one connection.
    (BASE_DIR / "test-artifacts").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-artifacts" / "test-db.sqlite3")}
# Mail lands in the sandbox outbox (/sandbox/) instead of leaving the machine.
EMAIL_BACKEND = "sandbox.mail.OutboxEmailBackend"
# Serve static files from the finders: tests run without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
