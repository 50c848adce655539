"""The sandbox CA's own settings (the CERTIFICATE_AUTHORITY object), each key with its default."""

from admin_kit.conf import OrganisationSettings

authority_settings = OrganisationSettings(
    "CERTIFICATE_AUTHORITY",
    {
        # The CA's public address, written into the certificates it issues as the CRL location.
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000/ca/",
    },
)
