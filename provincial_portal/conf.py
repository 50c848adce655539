"""The provincial portal's client settings (the PROVINCIAL_PORTAL object), each with its default."""

from admin_kit.conf import OrganisationSettings

provincial_settings = OrganisationSettings(
    "PROVINCIAL_PORTAL",
    {
        # The national login service ("Hệ thống xác thực") the province logs citizens in with.
        "NATIONAL_LOGIN_ISSUER": "http://127.0.0.1:8000/xacthuc",
        "CLIENT_ID": "",
        "CLIENT_SECRET": "",
        # LoA1 lets in every citizen the service knows; LoA2 only those verified in person.
        "ACR_VALUES": "LoA1",
        "TIMEOUT_SECONDS": 3.0,
        # Empty: derived from the request (the callback and the home page after logout).
        "REDIRECT_URI": "",
        "POST_LOGOUT_REDIRECT_URI": "",
        # Legacy organisation accounts (tax code + password) were valid until 30/6/2025; the
        # sandbox starts before the cut-off. Run time: services.set_organisation_legacy_login.
        "ORGANISATION_LEGACY_LOGIN": True,
    },
)
