"""The service as a relying party of VNeID: the portal's own OpenID Connect client, configured
with the service's issuer, credentials and timeout (NATIONAL_LOGIN), over HTTP only."""

from django.http import HttpRequest
from django.urls import reverse

from api_kit.keys import hash_secret
from identity.relying_party import protocol
from identity.relying_party.client import VneidClient
from identity.relying_party.protocol import CompletedLogin

from .conf import login_settings
from .models import PendingAuthorization
from .server import absolute

# What the service asks VNeID for: the identity claims it passes on to portals.
VNEID_SCOPES = "openid profile vneid_identity"


def client() -> VneidClient:
    """Return a VNeID client with the service's own registration at VNeID."""
    return VneidClient(
        issuer=login_settings.VNEID_ISSUER,
        client_id=login_settings.VNEID_CLIENT_ID,
        client_secret=login_settings.VNEID_CLIENT_SECRET,
        timeout=login_settings.VNEID_TIMEOUT_SECONDS,
    )


def callback_uri(request: HttpRequest) -> str:
    """Return the absolute redirect_uri the service registered at VNeID."""
    configured: str = login_settings.VNEID_REDIRECT_URI
    return configured or absolute(request, reverse("national_login:vneid_callback"))


def post_logout_uri(request: HttpRequest) -> str:
    """Return where VNeID sends the browser back to after the service's logout there."""
    return absolute(request, reverse("national_login:vneid_logged_out"))


def authorization_url(
    request: HttpRequest, pending: PendingAuthorization, *, prompt: str, vneid: VneidClient
) -> str:
    """Start the VNeID leg of a pending request: keep its secrets, return VNeID's URL."""
    leg = protocol.new_pending_login(redirect_uri=callback_uri(request), next_url="")
    url = protocol.authorization_url(
        leg, prompt=prompt, client=vneid, level=pending.requested_level, scopes=VNEID_SCOPES
    )
    pending.vneid_leg = leg
    pending.vneid_state_hash = hash_secret(leg["state"])
    pending.save(update_fields=["vneid_leg", "vneid_state_hash"])
    return url


def complete(pending: PendingAuthorization, *, code: str, vneid: VneidClient) -> CompletedLogin:
    """Exchange VNeID's code and validate its ID token; the leg cannot be completed twice."""
    leg = pending.vneid_leg
    pending.vneid_leg = {}
    pending.vneid_state_hash = ""
    pending.save(update_fields=["vneid_leg", "vneid_state_hash"])
    return protocol.complete_login(code=code, pending=leg, client=vneid)


def end_session_url(request: HttpRequest, *, id_token: str, state: str) -> str:
    """Return VNeID's RP-initiated logout URL for the service's VNeID login, or ""."""
    with client() as vneid:
        return protocol.end_session_url(
            id_token, post_logout_redirect_uri=post_logout_uri(request), client=vneid, state=state
        )
