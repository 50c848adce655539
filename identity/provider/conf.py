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
    },
)
