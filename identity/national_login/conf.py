"""The national login service's settings (the NATIONAL_LOGIN object), each key with its default."""

from datetime import timedelta

from admin_kit.conf import OrganisationSettings

login_settings = OrganisationSettings(
    "NATIONAL_LOGIN",
    {
        # Empty: the issuer follows the request's host ({scheme}://{host}/xacthuc).
        "ISSUER": "",
        # The service as a relying party of VNeID, reached over HTTP like any other.
        "VNEID_ISSUER": "http://127.0.0.1:8000/vneid",
        "VNEID_CLIENT_ID": "",
        "VNEID_CLIENT_SECRET": "",
        "VNEID_TIMEOUT_SECONDS": 3.0,
        # Empty: derived from the request.
        "VNEID_REDIRECT_URI": "",
        # How long a login at the service lasts before the citizen is asked again.
        "SESSION_LIFETIME": timedelta(hours=8),
        # How long one back-channel logout POST to a portal may take before it counts as failed.
        "BACKCHANNEL_TIMEOUT_SECONDS": 2.0,
    },
)
