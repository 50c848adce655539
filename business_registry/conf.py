"""The business registry's own settings (the BUSINESS_REGISTRY object), with their defaults."""

from admin_kit.conf import OrganisationSettings

business_registry_settings = OrganisationSettings(
    "BUSINESS_REGISTRY",
    {
        # Calls per minute, counted in the database across workers. A key with its own limit
        # (ApiClient.rate_limit_per_minute) is held to that one instead.
        "RATE_LIMIT_PER_KEY": 60,
        "RATE_LIMIT_PER_ADDRESS": 60,
        # Where the counts live: "database" (one upsert per call) or "cache" (INCR in the
        # shared cache; REDIS_URL sets it, so that every app server sees the same counts).
        "STORE": "database",
    },
)
