"""Login throttling: a success clears only its own account's failures, never its address's."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from .factories import PASSWORD, UserFactory

LOGIN_URL = "/dang-nhap/"
ADMIN_LOGIN_URL = "/admin/login/"


def login_data(username, password=PASSWORD):
    return {"username": username, "password": password, "captcha_0": "k", "captcha_1": "PASSED"}


@pytest.fixture
def target(db):
    return UserFactory()


@pytest.fixture
def own_account(db):
    return UserFactory()


def _guess_then_log_in_elsewhere(client, target, own_account, rounds):
    """Interleave wrong guesses at target with correct logins to own_account; return statuses."""
    statuses = []
    for _ in range(rounds):
        statuses.append(client.post(LOGIN_URL, login_data(target.username, "sai")).status_code)
        client.post(LOGIN_URL, login_data(own_account.username))
        client.post("/dang-xuat/")
    return statuses


def test_guesses_interleaved_with_own_successes_still_lock_after_five(client, target, own_account):
    statuses = _guess_then_log_in_elsewhere(client, target, own_account, rounds=20)

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * 16
    right_password = client.post(LOGIN_URL, login_data(target.username))
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_guesses_from_elsewhere_lock_the_account_despite_own_successes(target, own_account):
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    owner_of_other = Client(REMOTE_ADDR="10.0.0.8")
    statuses = []
    for _ in range(8):
        statuses.append(guesser.post(LOGIN_URL, login_data(target.username, "sai")).status_code)
        owner_of_other.post(LOGIN_URL, login_data(own_account.username))

    assert statuses == [200] * 4 + [429] * 4


def test_a_success_clears_the_accounts_own_failures(client, target, own_account):
    for _ in range(3):
        client.post(LOGIN_URL, login_data(target.username, "sai"))
    client.post(LOGIN_URL, login_data(own_account.username, "sai"))

    response = client.post(LOGIN_URL, login_data(own_account.username))

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=own_account.username).exists()
    assert AccessAttempt.objects.get(username=target.username).failures_since_start == 3


def test_a_success_by_linked_cccd_clears_the_failures_typed_with_the_cmnd(client, db):
    account = UserFactory(cccd_number="001085004321")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN_URL, login_data(account.username, "sai"))

    client.post(LOGIN_URL, login_data(account.cccd_number))

    assert not AccessAttempt.objects.exists()


def test_admin_login_guesses_are_not_reset_by_portal_successes(client, target, own_account):
    target.is_staff = True
    target.save(update_fields=["is_staff"])
    statuses = []
    for _ in range(8):
        admin_guess = {"username": target.username, "password": "sai", "otp_token": "000000"}
        statuses.append(client.post(ADMIN_LOGIN_URL, admin_guess).status_code)
        client.post(LOGIN_URL, login_data(own_account.username))
        client.post("/dang-xuat/")

    assert statuses == [200] * 4 + [429] * 4


def test_an_address_gets_more_failures_than_one_account_name(db, settings):
    # A class behind one address: a few trainees mistyping do not lock out the others.
    room = Client(REMOTE_ADDR="10.0.0.20")
    typists = UserFactory.create_batch(3)
    for typist in typists:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            room.post(LOGIN_URL, login_data(typist.username, "sai"))
    other = UserFactory()

    assert room.post(LOGIN_URL, login_data(other.username)).status_code == 302


def test_failures_from_one_address_lock_it_at_its_own_limit(db, settings):
    settings.PORTAL_LOGIN_FAILURES_PER_ADDRESS = 8
    room = Client(REMOTE_ADDR="10.0.0.21")
    for typist in UserFactory.create_batch(2):
        for _ in range(4):
            room.post(LOGIN_URL, login_data(typist.username, "sai"))
    other = UserFactory()

    refused = room.post(LOGIN_URL, login_data(other.username))

    assert refused.status_code == 429
    assert "từ mạng bạn đang dùng" in refused.content.decode()
    elsewhere = Client(REMOTE_ADDR="10.0.0.22")
    assert elsewhere.post(LOGIN_URL, login_data(other.username)).status_code == 302
