"""The third portal's account mapping on top of mozilla-django-oidc's backend.

The library checks the ID token's signature (RS256, key by `kid` from the JWKS) and nonce;
the document also asks a client to check `iss` and `aud` and that userinfo's `sub` is the ID
token's, which the library leaves to the application.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

SESSION_CLAIMS = "national_login_userinfo"
SESSION_SID = "national_login_sid"
SESSION_ACR = "national_login_acr"


class NationalLoginBackend(OIDCAuthenticationBackend):
    """An account per `sub`; the userinfo attributes kept in the session for the pages."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.NATIONAL_LOGIN_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo names another subject than the ID token")
        user: User | None = super().get_or_create_user(access_token, id_token, payload)
        session = self.request.session
        session[SESSION_CLAIMS] = user_info
        session[SESSION_SID] = payload.get("sid", "")
        session[SESSION_ACR] = payload.get("acr", "")
        return user

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # The superclass fetches it; kept once per login so the session and the account agree.
        if not hasattr(self, "_userinfo"):
            self._userinfo = super().get_userinfo(access_token, id_token, payload)
        return self._userinfo

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(username=claims["sub"])

    def create_user(self, claims: dict[str, Any]) -> User:
        name = claims.get("HoVaTen") or claims.get("name") or ""
        return User.objects.create_user(claims["sub"], first_name=name[:150])
