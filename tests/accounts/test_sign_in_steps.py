"""The guide's steps a person takes on their own leave audit entries a trainer can follow."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry

from .factories import UserFactory
from .test_login import LOGIN_URL, login_data


def _actions(account):
    return list(
        AuditEntry.objects.filter(account=account).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_password_login_and_the_cccd_screen_are_audited(client):
    account = UserFactory()
    response = client.post(LOGIN_URL, login_data(account.username))
    client.get(response["Location"])
    assert _actions(account) == ["password_login", "cccd_prompt_shown"]


@pytest.mark.django_db
def test_skipping_the_cccd_screen_is_audited(client):
    account = UserFactory()
    client.force_login(account)
    client.post(reverse("accounts:update_cccd"), {"action": "skip"})
    assert _actions(account) == ["cccd_prompt_skipped"]


@pytest.mark.django_db
def test_wrong_password_keeps_the_message_the_person_saw(client):
    account = UserFactory()
    response = client.post(LOGIN_URL, login_data(account.username, password="Sai@2026"))
    entry = AuditEntry.objects.get(account=account)
    assert entry.action == "login_failed"
    assert entry.reason == "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại."
    assert entry.reason in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_for_an_unknown_name_writes_nothing(client):
    client.post(LOGIN_URL, login_data("999999999", password="Sai@2026"))
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_linked_account_is_not_shown_the_cccd_screen(client):
    account = UserFactory(cccd_number="001085004321")
    client.post(LOGIN_URL, login_data(account.username))
    client.get(reverse("accounts:update_cccd"))
    assert _actions(account) == ["password_login"]
