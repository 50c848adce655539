"""The portal's VNeID client settings (the VNEID object), each key with its default."""

from admin_kit.conf import OrganisationSettings

vneid_settings = OrganisationSettings(
    "VNEID",
    {
        # The OpenID Connect provider the portal logs in with (our simulation or another one).
        "ISSUER": "http://127.0.0.1:8000/vneid",
        "CLIENT_ID": "",
        "CLIENT_SECRET": "",
        "SCOPES": "openid profile vneid_identity",
        # The lowest assurance level the portal accepts: 2 (verified in person).
        "REQUIRED_LEVEL": 2,
        "TIMEOUT_SECONDS": 3.0,
        # Empty: derived from the request (the callback and the home page after logout).
        "REDIRECT_URI": "",
        "POST_LOGOUT_REDIRECT_URI": "",
    },
)
