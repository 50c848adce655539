"""What every OpenID provider's client, code, token and key rows hold, as abstract models.

Each provider keeps its own tables (and its own account or subject model): the concrete models
add their foreign keys and whatever else differs, and inherit the fields and Authlib methods here.
"""

import hmac
import json
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api_kit.keys import hash_secret

TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProviderClient(models.Model, ClientMixin):
    """A relying party registered with a provider; only a hash of its secret is kept."""

    client_id = models.CharField(max_length=48, unique=True, editable=False)
    client_secret_hash = models.CharField(max_length=255, editable=False)
    name = models.CharField("tên hệ thống", max_length=150)
    redirect_uris = models.TextField("địa chỉ chuyển hướng (mỗi dòng một địa chỉ)")
    post_logout_redirect_uris = models.TextField(
        "địa chỉ chuyển hướng sau đăng xuất (mỗi dòng một địa chỉ)", blank=True, default=""
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not a column: the admin holds a just-registered client's secret here to show it once.
    raw_secret: str
    # Each provider's own field: the scopes it grants by default differ.
    allowed_scopes: "models.CharField[str, str]"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def redirect_uri_list(self) -> list[str]:
        return _lines(self.redirect_uris)

    @property
    def post_logout_redirect_uri_list(self) -> list[str]:
        return _lines(self.post_logout_redirect_uris)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # OpenID Connect requires redirect_uri in every request: no default to fall back on.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(scope_to_list(self.allowed_scopes))
        return " ".join(item for item in scope_to_list(scope or "") if item in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uri_list

    def check_client_secret(self, client_secret: str | None) -> bool:
        # Client secrets are 256-bit random values, so a SHA-256 digest resists guessing as
        # well as a password hash would, without Argon2's ~100 ms on every token request.
        return hmac.compare_digest(hash_secret(client_secret or ""), self.client_secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class ProviderAuthorizationCode(models.Model, AuthorizationCodeMixin):
    """A single-use code bound to its client, redirect URI, PKCE challenge and login."""

    code_hash = models.CharField(max_length=64, unique=True)
    redirect_uri = models.CharField(max_length=2000)
    scope = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255, blank=True, default="")
    auth_time = models.DateTimeField()
    amr = models.CharField(max_length=64, default="pwd")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Each provider's own fields (their lengths and blanks differ).
    acr: "models.CharField[str, str]"

    class Meta:
        abstract = True
        verbose_name = "mã uỷ quyền"
        verbose_name_plural = "mã uỷ quyền"

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce or None

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return self.amr.split()


class ProviderAccessToken(models.Model):
    """A bearer token for userinfo; only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        verbose_name = "access token"
        verbose_name_plural = "access token"

    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at


class ProviderSigningKey(models.Model):
    """An RSA key pair for ID tokens; exactly one is active, published ones appear in JWKS."""

    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.TextField(editable=False)
    is_active = models.BooleanField("đang dùng để ký", default=False)
    is_published = models.BooleanField("công bố trong JWKS", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = "khoá ký"
        verbose_name_plural = "khoá ký"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="%(app_label)s_one_active_signing_key",
            ),
            # A key that signs must be verifiable by relying parties.
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(is_published=True),
                name="%(app_label)s_active_key_published",
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def private_key_dict(self) -> dict[str, Any]:
        key: dict[str, Any] = json.loads(self.private_jwk)
        return key
