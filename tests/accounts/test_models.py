"""The account queryset: which account a CMND or CCCD number stands for."""

import pytest

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "001085004321"


def test_login_number_finds_the_account_registered_under_it_before_the_one_that_linked_it():
    linked = UserFactory(username="012345678", cccd_number=NUMBER)
    registered = UserFactory(username=NUMBER)

    assert list(User.objects.by_login_number(NUMBER)) == [registered, linked]


def test_login_number_does_not_find_an_account_by_its_cmnd_field():
    UserFactory(username="012345678", cmnd_number=NUMBER)

    assert not User.objects.by_login_number(NUMBER).exists()


def test_signer_cmnd_finds_the_cmnd_field_but_not_a_linked_cccd():
    by_cmnd = UserFactory(username="012345678", cmnd_number=NUMBER)
    UserFactory(username="023456789", cccd_number=NUMBER)

    assert list(User.objects.by_signer_number(NUMBER, is_cccd=False)) == [by_cmnd]


def test_signer_cccd_also_finds_the_account_that_linked_it():
    linked = UserFactory(username="023456789", cccd_number=NUMBER)

    assert list(User.objects.by_signer_number(NUMBER, is_cccd=True)) == [linked]


def test_legacy_accounts_leave_out_those_that_linked_a_cccd_and_skip_empty_numbers():
    UserFactory(username="012345678", cccd_number="079078088012")
    legacy = UserFactory(username="023456789", cmnd_number="012345678")

    assert list(User.objects.legacy_without_cccd(["", "012345678"])) == [legacy]


def test_number_taken_by_a_username_or_a_cccd_but_not_by_the_account_itself():
    account = UserFactory(username="012345678", cccd_number=NUMBER)

    assert User.objects.number_taken(NUMBER)
    assert User.objects.number_taken("012345678")
    assert not User.objects.number_taken(NUMBER, other_than=account)
    assert not User.objects.number_taken("099999999")
