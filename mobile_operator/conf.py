"""The simulated operator's own settings (the MOBILE_OPERATOR_NETWORK object), with defaults."""

from admin_kit.conf import OrganisationSettings

network_settings = OrganisationSettings(
    "MOBILE_OPERATOR_NETWORK",
    {
        # How long a signing request waits for the subscriber to answer on the phone.
        "SIGNING_SECONDS": 120,
    },
)
