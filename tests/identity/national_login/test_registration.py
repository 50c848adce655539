"""Registering a portal: the admin page (secret once, audited), the command, the seeding."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from identity.national_login import services
from identity.national_login.models import AuditEvent, LogoutDeliveryRecord, NationalClient

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:national_login_nationalclient_add")


def _shown(response, testid):
    return re.search(rf'data-testid="{testid}">([^<]+)<', response.content.decode()).group(1)


def _form(**overrides):
    data = {
        "name": "Cổng DVC tỉnh Ninh Bình",
        "redirect_uris": "https://dvc.ninhbinh.example/callback\n",
        "post_logout_redirect_uris": "https://dvc.ninhbinh.example/",
        "backchannel_logout_uri": "https://dvc.ninhbinh.example/backchannel-logout",
        "frontchannel_logout_uri": "",
        "attribute_profile": "dvcqg",
        "is_active": "on",
        "reason": "Đăng ký theo công văn 34/UBND",
    }
    data.update(overrides)
    return data


def test_the_admin_registers_a_portal_and_shows_its_secret_once(admin_client):
    response = admin_client.post(ADD_URL, _form())
    assert response.status_code == 200
    client = NationalClient.objects.get()
    secret = _shown(response, "client-secret")
    assert _shown(response, "client-id") == client.client_id
    assert client.check_client_secret(secret)
    assert secret not in client.client_secret_hash
    assert client.backchannel_logout_uri == "https://dvc.ninhbinh.example/backchannel-logout"
    created = AuditEvent.objects.get(kind=AuditEvent.Kind.CLIENT_CREATED)
    assert created.reason == "Đăng ký theo công văn 34/UBND"
    change_page = admin_client.get(
        reverse("admin:national_login_nationalclient_change", args=[client.pk])
    )
    assert secret not in change_page.content.decode()


def test_an_admin_change_is_audited_with_its_reason(admin_client):
    admin_client.post(ADD_URL, _form())
    client = NationalClient.objects.get()
    url = reverse("admin:national_login_nationalclient_change", args=[client.pk])
    response = admin_client.post(
        url, _form(attribute_profile="oidc", reason="Cổng dùng thư viện OIDC chuẩn")
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(kind=AuditEvent.Kind.CLIENT_CHANGED)
    assert changed.changes == {"attribute_profile": ["dvcqg", "oidc"]}
    assert changed.reason == "Cổng dùng thư viện OIDC chuẩn"


def test_the_admin_refuses_a_bad_uri_and_a_missing_reason(admin_client):
    response = admin_client.post(ADD_URL, _form(redirect_uris="javascript:alert(1)"))
    assert "Địa chỉ không hợp lệ" in response.content.decode()
    response = admin_client.post(ADD_URL, _form(reason=""))
    assert response.status_code == 200
    assert not NationalClient.objects.exists()


def test_failed_logout_deliveries_are_listed_in_the_admin(admin_client):
    LogoutDeliveryRecord.objects.create(
        client_id="qnam-portal-test", uri="http://down.test/bc", sid="s", last_error="timeout"
    )
    page = admin_client.get(reverse("admin:national_login_logoutdeliveryrecord_changelist"))
    assert page.status_code == 200
    assert "qnam-portal-test" in page.content.decode()


def test_the_command_prints_the_id_and_secret_once():
    out = StringIO()
    call_command(
        "create_national_login_client",
        "--name",
        "Cổng DVC Bộ Thử nghiệm",
        "--redirect-uri",
        "https://bo.example/callback",
        "--backchannel-logout-uri",
        "https://bo.example/backchannel-logout",
        "--attribute-profile",
        "oidc",
        stdout=out,
    )
    printed = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    client = NationalClient.objects.get()
    assert printed["client_id"] == client.client_id
    assert client.check_client_secret(printed["client_secret"])
    assert client.attribute_profile == "oidc"


def test_the_command_refuses_a_client_without_redirect_uri():
    with pytest.raises(CommandError):
        call_command("create_national_login_client", "--name", "X", "--redirect-uri", " ")


def test_ensure_client_is_idempotent_and_keeps_the_secret():
    fields = {
        "client_id": "qnam-portal-test",
        "client_secret": "qnam-portal-test-secret",
        "name": "Cổng DVC tỉnh Quảng Nam",
        "redirect_uris": ["http://a.test/cb"],
    }
    first = services.ensure_client(**fields)
    again = services.ensure_client(**{**fields, "frontchannel_logout_uri": "http://a.test/fc"})
    assert first.pk == again.pk
    assert again.check_client_secret("qnam-portal-test-secret")
    assert NationalClient.objects.get().frontchannel_logout_uri == "http://a.test/fc"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CLIENT_CREATED).count() == 1
