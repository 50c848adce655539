"""The VNeID admin: clients registered with the secret shown once, accounts locked, keys."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from vneid.models import AuditEvent, OidcClient, SigningKey, VneidAccount

pytestmark = pytest.mark.django_db

CLIENTS_URL = reverse("admin:vneid_provider_oidcclient_changelist")
ADD_CLIENT_URL = reverse("admin:vneid_provider_oidcclient_add")


def _shown(response, testid):
    return re.search(rf'data-testid="{testid}">([^<]+)<', response.content.decode()).group(1)


def _add_client(admin_client, **overrides):
    data = {
        "name": "Cổng DVC tỉnh Ninh Bình",
        "redirect_uris": "https://dvc.ninhbinh.example/vneid/callback\n",
        "post_logout_redirect_uris": "https://dvc.ninhbinh.example/",
        "allowed_scopes": ["openid", "profile"],
        "is_active": "on",
        "reason": "Đăng ký theo công văn 34/UBND",
    }
    data.update(overrides)
    return admin_client.post(ADD_CLIENT_URL, data)


def test_adding_a_client_shows_its_secret_once_and_stores_a_hash(admin_client):
    response = _add_client(admin_client)

    assert response.status_code == 200
    client = OidcClient.objects.get()
    secret = _shown(response, "client-secret")
    assert _shown(response, "client-id") == client.client_id
    assert client.check_client_secret(secret)
    assert secret not in client.client_secret_hash
    assert client.allowed_scopes == "openid profile"
    assert client.redirect_uri_list == ["https://dvc.ninhbinh.example/vneid/callback"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CLIENT_CREATED).exists()
    change_page = admin_client.get(
        reverse("admin:vneid_provider_oidcclient_change", args=[client.pk])
    )
    assert secret not in change_page.content.decode()


def test_client_with_an_invalid_redirect_uri_is_refused(admin_client):
    response = _add_client(admin_client, redirect_uris="javascript:alert(1)")

    assert response.status_code == 200
    assert not OidcClient.objects.exists()
    assert "Địa chỉ không hợp lệ" in response.content.decode()


def test_client_without_openid_scope_is_refused(admin_client):
    _add_client(admin_client, allowed_scopes=["profile"])

    assert not OidcClient.objects.exists()


def test_new_secret_action_replaces_the_secret(admin_client, rp):
    client = OidcClient.objects.get(client_id=rp.client_id)

    response = admin_client.post(
        CLIENTS_URL,
        {
            "action": "issue_new_secret",
            "_selected_action": [client.pk],
            "confirm": "yes",
            "reason": "Secret cũ bị lộ",
        },
    )

    secret = _shown(response, "client-secret")
    client.refresh_from_db()
    assert client.check_client_secret(secret)
    assert not client.check_client_secret(rp.secret)


def test_lock_action_locks_the_account(admin_client, nga):
    admin_client.post(
        reverse("admin:vneid_provider_vneidaccount_changelist"),
        {"action": "lock", "_selected_action": [nga.pk]},
    )

    nga.refresh_from_db()
    assert nga.status == VneidAccount.Status.LOCKED


def test_account_list_masks_the_personal_id_number(admin_client, nga):
    page = admin_client.get(reverse("admin:vneid_provider_vneidaccount_changelist")).content

    assert nga.personal_id_number.encode() not in page
    assert b"0371******45" in page


def test_rotate_command_prints_the_new_kid(db):
    out = StringIO()

    call_command("rotate_vneid_signing_key", stdout=out)

    assert SigningKey.objects.get(is_active=True).kid == out.getvalue().strip()
