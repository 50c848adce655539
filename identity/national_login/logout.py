"""Single logout at the service: RP-initiated requests, back- and front-channel notifications.

Ending a login of the service tells every portal that received a code in it: a logout token
(oidc_kit) to each back-channel URI, all at once, and an iframe to each portal that registered
only a front-channel URI (when a browser is there to load it). A portal that does not accept its
token is recorded (LogoutDeliveryRecord) and retried by the command
`retry_national_login_logout_deliveries`.
"""

import logging
from dataclasses import dataclass
from typing import Any

from authlib.common.urls import add_params_to_uri
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError

from oidc_kit.backchannel import LogoutDelivery, deliver_all, frontchannel_logout_url
from oidc_kit.logout_token import build_logout_token
from oidc_kit.models import record_failures, retry_failed

from . import keys
from .conf import login_settings
from .models import (
    AccessToken,
    AuditEvent,
    LoginSession,
    LogoutDeliveryRecord,
    NationalClient,
    SessionClient,
)

logger = logging.getLogger(__name__)


class LogoutRequestInvalid(Exception):
    """A logout request that must not redirect anywhere; `message` is for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogoutRequest:
    client: NationalClient | None
    id_token_claims: dict[str, Any] | None
    redirect_uri: str | None


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    return [aud] if isinstance(aud, str) else list(aud or [])


def verify_id_token_hint(hint: str, *, issuer: str) -> dict[str, Any]:
    """Return the claims of an ID token the service signed as issuer; expiry is not checked."""
    try:
        token = jwt.decode(hint, keys.published_key_set(), algorithms=[keys.ALGORITHM])
    except (JoseError, ValueError) as error:
        raise LogoutRequestInvalid("Mã xác nhận đăng xuất (id_token_hint) không hợp lệ.") from error
    if token.claims.get("iss") != issuer:
        raise LogoutRequestInvalid(
            "Mã xác nhận đăng xuất (id_token_hint) không do Hệ thống xác thực cấp."
        )
    return token.claims


def parse_logout_request(params: QueryDict, *, issuer: str) -> LogoutRequest:
    """Validate the parameters of a logout request; raise LogoutRequestInvalid if refused."""
    hint = params.get("id_token_hint")
    claims = verify_id_token_hint(hint, issuer=issuer) if hint else None
    client_id = params.get("client_id")
    unknown = "Cổng dịch vụ công yêu cầu đăng xuất chưa được đăng ký với Hệ thống xác thực."
    if client_id and "\x00" in client_id:
        raise LogoutRequestInvalid(unknown)
    if claims is not None:
        audiences = _audiences(claims)
        if client_id and client_id not in audiences:
            raise LogoutRequestInvalid("Yêu cầu đăng xuất không khớp với cổng đã đăng nhập.")
        client_id = client_id or (audiences[0] if len(audiences) == 1 else None)
    client = NationalClient.objects.filter(client_id=client_id, is_active=True).first()
    if client_id and client is None:
        raise LogoutRequestInvalid(unknown)
    redirect_uri = params.get("post_logout_redirect_uri")
    if redirect_uri:
        if client is None or redirect_uri not in client.post_logout_redirect_uri_list:
            raise LogoutRequestInvalid(
                "Địa chỉ quay lại sau khi đăng xuất chưa được đăng ký cho cổng này."
            )
        state = params.get("state")
        if state:
            redirect_uri = add_params_to_uri(redirect_uri, [("state", state)])
    return LogoutRequest(client=client, id_token_claims=claims, redirect_uri=redirect_uri)


def mint_logout_token(*, issuer: str, client_id: str, sub: str, sid: str) -> str:
    """Return a fresh logout token of the service for one portal."""
    signing_key = keys.active_signing_key()
    return build_logout_token(
        issuer=issuer,
        audience=client_id,
        sub=sub,
        sid=sid,
        private_key=keys.as_private_key(signing_key),
        kid=signing_key.kid,
    )


def end_login(login: LoginSession, *, issuer: str) -> list[str]:
    """End login, tell its portals; return the front-channel URLs a browser still has to load.

    Each portal's logout token names the issuer its ID token named; `issuer` is the fallback.

    The back-channel POSTs go out in parallel after the session is ended and committed, so a
    portal that is down delays nobody past NATIONAL_LOGIN's BACKCHANNEL_TIMEOUT_SECONDS.
    """
    with transaction.atomic():
        ended = LoginSession.objects.filter(pk=login.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        AccessToken.objects.filter(
            authorization_code__session=login, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if ended:
            AuditEvent.record(kind=AuditEvent.Kind.LOGGED_OUT, subject=login.subject)
    joined = list(
        SessionClient.objects.filter(session=login, client__is_active=True)
        .select_related("client")
        .order_by("client_id")
    )
    sub = login.subject.sub
    deliveries = []
    issuers = {}
    for entry in joined:
        client = entry.client
        issuers[client.client_id] = entry.issuer or issuer
        if client.backchannel_logout_uri:
            deliveries.append(
                LogoutDelivery(
                    client_id=client.client_id,
                    uri=client.backchannel_logout_uri,
                    logout_token=mint_logout_token(
                        issuer=issuers[client.client_id],
                        client_id=client.client_id,
                        sub=sub,
                        sid=login.sid,
                    ),
                    sub=sub,
                    sid=login.sid,
                )
            )
    outcomes = deliver_all(deliveries, timeout=login_settings.BACKCHANNEL_TIMEOUT_SECONDS)
    failures = [outcome for outcome in outcomes if not outcome.delivered]
    if failures:
        for row in record_failures(LogoutDeliveryRecord, failures):
            LogoutDeliveryRecord.objects.filter(pk=row.pk).update(issuer=issuers[row.client_id])
        AuditEvent.record_many(
            {
                "kind": AuditEvent.Kind.LOGOUT_DELIVERY_FAILED,
                "subject": login.subject,
                "detail": f"{outcome.delivery.client_id}: {outcome.error}"[:255],
            }
            for outcome in failures
        )
    return [
        frontchannel_logout_url(
            entry.client.frontchannel_logout_uri,
            issuer=issuers[entry.client.client_id],
            sid=login.sid,
        )
        for entry in joined
        if entry.client.frontchannel_logout_uri and not entry.client.backchannel_logout_uri
    ]


def retry_deliveries() -> tuple[int, int]:
    """Send a fresh logout token for every failed delivery; return (delivered, still failing)."""

    def mint(row: LogoutDeliveryRecord) -> str | None:
        client = NationalClient.objects.filter(client_id=row.client_id, is_active=True).first()
        if client is None or not client.backchannel_logout_uri:
            return None
        return mint_logout_token(
            issuer=row.issuer, client_id=row.client_id, sub=row.sub, sid=row.sid
        )

    return retry_failed(
        LogoutDeliveryRecord, mint=mint, timeout=login_settings.BACKCHANNEL_TIMEOUT_SECONDS
    )
