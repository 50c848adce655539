"""How the portal reaches the other organisations over HTTP: one settings object for each."""

from admin_kit.conf import OrganisationSettings

registry_settings = OrganisationSettings(
    "REGISTRY",
    {
        "BASE_URL": "http://127.0.0.1:8000/registry/api/v1/",
        # The portal's bearer key at the registry.
        "API_KEY": "",
        "TIMEOUT_SECONDS": 3.0,
    },
)

operator_settings = OrganisationSettings(
    "MOBILE_OPERATOR",
    {
        # The operator's signing (Sim ký số) and SMS API.
        "BASE_URL": "http://127.0.0.1:8000/nha-mang/api/v1/",
        "API_KEY": "",
        "TIMEOUT_SECONDS": 3.0,
    },
)

ca_settings = OrganisationSettings(
    "CA",
    {
        # Where the portal fetches its trust anchor (the CA root) and the CRL.
        "BASE_URL": "http://127.0.0.1:8000/ca/",
        "TIMEOUT_SECONDS": 3.0,
        # SHA-256 of the root (hex); when set, a fetched root that differs is refused.
        "ROOT_SHA256": "",
        # How long the portal keeps the fetched root and CRL before asking the CA again.
        "ROOT_CACHE_SECONDS": 3600,
        "CRL_CACHE_SECONDS": 30,
    },
)
