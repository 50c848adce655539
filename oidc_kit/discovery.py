"""A provider's metadata (OpenID Connect Discovery 1.0): exactly what it supports."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from .code_flow import PKCE_METHOD, RESPONSE_MODE
from .keys import ALGORITHM


def discovery_document(
    issuer: str,
    *,
    namespace: str,
    issuer_path: str,
    scopes: Sequence[str],
    claims: Sequence[str],
    acr_values: Sequence[str],
    prompt_values: Sequence[str] = ("none", "login"),
) -> dict[str, Any]:
    """Return the metadata of the provider whose URLs are `namespace`'s, under issuer_path."""

    def endpoint(name: str) -> str:
        return issuer + reverse(f"{namespace}:{name}").removeprefix(issuer_path)

    return {
        "issuer": issuer,
        "authorization_endpoint": endpoint("authorize"),
        "token_endpoint": endpoint("token"),
        "userinfo_endpoint": endpoint("userinfo"),
        "jwks_uri": endpoint("jwks"),
        "end_session_endpoint": endpoint("end_session"),
        "scopes_supported": list(scopes),
        "response_types_supported": ["code"],
        "response_modes_supported": [RESPONSE_MODE],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": [PKCE_METHOD],
        "claims_supported": list(claims),
        "acr_values_supported": list(acr_values),
        "prompt_values_supported": list(prompt_values),
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "ui_locales_supported": ["vi"],
        "authorization_response_iss_parameter_supported": True,
        # Back-Channel and Front-Channel Logout 1.0: logout tokens and iframes carry iss and sid.
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "frontchannel_logout_session_supported": True,
    }
