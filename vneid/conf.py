"""The simulated VNeID's own settings (the VNEID_PROVIDER object), each key with its default."""

from datetime import timedelta

from admin_kit.conf import OrganisationSettings

provider_settings = OrganisationSettings(
    "VNEID_PROVIDER",
    {
        # Empty: the issuer follows the request's host; set it behind a proxy.
        "ISSUER": "",
        # How long a login at VNeID lasts before the password is asked again.
        "SESSION_LIFETIME": timedelta(hours=8),
        # Wrong passwords from one address within 15 minutes before it is locked out. A
        # class or an office shares one address; a number is locked after 5 on its own.
        "FAILURES_PER_ADDRESS": 20,
        # How long a logout waits for each client's back-channel logout endpoint (they are
        # called at once): the citizen's logout never waits longer than this.
        "BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": 2.0,
        # The business registration database, reached over HTTP only (like any consuming
        # system) when an organisation registers its e-ID: its API, VNeID's bearer key there,
        # and how long a registration waits for it.
        "BUSINESS_REGISTRY_URL": "http://127.0.0.1:8000/business-registry/api/v1/",
        "BUSINESS_REGISTRY_API_KEY": "",
        "BUSINESS_REGISTRY_TIMEOUT_SECONDS": 3.0,
    },
)
