"""Seeding accounts and registering clients: hashed secrets, stable subjects, the command."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from admin_kit.audit import ReasonRequired
from tests.citizen_registry.factories import CitizenFactory
from vneid.models import AuditEvent, OidcClient, VneidAccount
from vneid.services import (
    change_client,
    create_client,
    ensure_client,
    ensure_vneid_account,
)

from .flows import PASSWORD


def test_ensure_vneid_account_hashes_the_password(db):
    account = ensure_vneid_account(CitizenFactory(), password=PASSWORD, level=2)

    assert account.password != PASSWORD
    assert account.check_password(PASSWORD)
    assert account.assurance_level == 2
    assert account.status == VneidAccount.Status.ACTIVE
    assert len(account.sub) == 32


def test_ensure_vneid_account_is_idempotent_and_keeps_sub(db):
    citizen = CitizenFactory()
    first = ensure_vneid_account(citizen, password=PASSWORD, level=2)

    again = ensure_vneid_account(citizen, password="Khac@2026", level=1)

    assert VneidAccount.objects.count() == 1
    assert again.sub == first.sub
    assert again.assurance_level == 1
    assert again.check_password("Khac@2026")


def test_ensure_vneid_account_unlocks_a_locked_account(db):
    citizen = CitizenFactory()
    account = ensure_vneid_account(citizen, password=PASSWORD, level=2)
    VneidAccount.objects.filter(pk=account.pk).update(status=VneidAccount.Status.LOCKED)

    assert ensure_vneid_account(citizen, password=PASSWORD, level=2).is_active


def test_ensure_vneid_account_refuses_an_unknown_level(db):
    with pytest.raises(ValueError):
        ensure_vneid_account(CitizenFactory(), password=PASSWORD, level=3)


def test_subjects_are_distinct_per_account(db):
    subs = {ensure_vneid_account(CitizenFactory(), password=PASSWORD).sub for _ in range(3)}

    assert len(subs) == 3


def test_create_client_stores_only_a_hash_of_the_secret(db):
    client, secret = create_client(name="Cổng thử", redirect_uris=["https://rp.example/cb"])

    stored = OidcClient.objects.get(pk=client.pk)
    assert secret not in stored.client_secret_hash
    assert stored.client_secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.check_client_secret(secret)
    assert not stored.check_client_secret(secret + "x")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CLIENT_CREATED, client=client).exists()


def test_create_client_requires_a_redirect_uri(db):
    with pytest.raises(ValueError):
        create_client(name="Cổng thử", redirect_uris=[" "])


def test_create_client_refuses_unknown_scopes(db):
    with pytest.raises(ValueError):
        create_client(name="Cổng thử", redirect_uris=["https://rp.example/cb"], scopes=["email"])


def test_command_prints_credentials_as_json_once(db):
    out = StringIO()

    call_command(
        "create_vneid_client",
        "--name",
        "Cổng DVC tỉnh",
        "--redirect-uri",
        "https://rp.example/cb",
        "--redirect-uri",
        "http://127.0.0.1:9000/cb",
        "--post-logout-uri",
        "https://rp.example/",
        stdout=out,
    )

    credentials = json.loads(out.getvalue())
    assert set(credentials) == {"client_id", "client_secret"}
    client = OidcClient.objects.get(client_id=credentials["client_id"])
    assert client.redirect_uri_list == ["https://rp.example/cb", "http://127.0.0.1:9000/cb"]
    assert client.post_logout_redirect_uri_list == ["https://rp.example/"]
    assert client.check_client_secret(credentials["client_secret"])


def test_command_refuses_an_invalid_redirect_uri(db):
    with pytest.raises(CommandError):
        call_command("create_vneid_client", "--name", "X", "--redirect-uri", "javascript:alert(1)")
    assert not OidcClient.objects.exists()


def test_ensure_client_creates_a_client_with_the_given_credentials(db):
    client = ensure_client(
        client_id="dvcqg-portal-sandbox",
        client_secret="portal-secret",
        name="Cổng Dịch vụ công Quốc gia",
        redirect_uris=["http://127.0.0.1:8000/vneid/callback"],
        post_logout_redirect_uris=["http://127.0.0.1:8000/"],
    )

    assert client.client_id == "dvcqg-portal-sandbox"
    assert client.check_client_secret("portal-secret")
    assert "portal-secret" not in client.client_secret_hash
    # Every supported scope by default: the portal and the national login service ask for
    # vneid_organisation too.
    assert client.allowed_scopes == "openid profile vneid_identity vneid_organisation"


def test_ensure_client_is_idempotent_and_follows_changed_settings(db):
    arguments = {
        "client_id": "dvcqg-portal-sandbox",
        "name": "Cổng Dịch vụ công Quốc gia",
        "redirect_uris": ["http://127.0.0.1:8000/vneid/callback"],
    }
    first = ensure_client(client_secret="old-secret", **arguments)
    OidcClient.objects.filter(pk=first.pk).update(is_active=False)

    again = ensure_client(client_secret="new-secret", **arguments)

    assert OidcClient.objects.count() == 1
    assert again.is_active
    assert again.check_client_secret("new-secret")
    assert not again.check_client_secret("old-secret")


def test_ensure_client_requires_a_secret(db):
    with pytest.raises(ValueError):
        ensure_client(
            client_id="x", client_secret="", name="X", redirect_uris=["https://rp.example/cb"]
        )


def test_an_official_change_of_a_client_without_a_reason_raises_reason_required(rp):
    client = OidcClient.objects.get(client_id=rp.client_id)
    with pytest.raises(ReasonRequired):
        change_client(client=client, values={"name": "Tên mới"}, actor=None, reason=" ")
    assert OidcClient.objects.get(pk=client.pk).name == client.name
