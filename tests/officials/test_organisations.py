"""Organisation accounts in the officials' admin: same roles and audit, tax codes masked."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import AuditEntry, OrganisationProfile
from idnumbers.numbers import mask_number
from tests.accounts.factories import OrganisationFactory
from tests.admin_helpers import search_list

from .conftest import REASON

pytestmark = pytest.mark.django_db

ACCOUNTS_URL = reverse("admin:accounts_user_changelist")
PROFILES_URL = reverse("admin:accounts_organisationprofile_changelist")


@pytest.fixture
def hoian():
    account = OrganisationFactory()
    OrganisationProfile.objects.filter(account=account).update(
        vneid_sub="vneid-org-3b9c", inherited_by_number="049085001234"
    )
    return account


def test_the_account_list_filters_organisations_and_masks_their_tax_code(
    official_client, an, hoian
):
    client = official_client("account")

    everyone = client.get(ACCOUNTS_URL).content.decode()
    organisations = client.get(ACCOUNTS_URL, {"account_type__exact": "organisation"})

    assert "Công ty TNHH Hội An Xanh" in everyone
    assert mask_number(hoian.username) in everyone
    assert hoian.username not in everyone
    assert [account.pk for account in organisations.context["cl"].result_list] == [hoian.pk]


def test_a_tax_code_or_part_of_an_organisation_name_finds_it(official_client, an, hoian):
    client = official_client("account")

    by_code = search_list(client, ACCOUNTS_URL, hoian.username)
    by_name = search_list(client, ACCOUNTS_URL, "Hội An Xanh")

    assert [a.pk for a in by_code.context["cl"].result_list] == [hoian.pk]
    assert [a.pk for a in by_name.context["cl"].result_list] == [hoian.pk]
    assert hoian.username not in by_code.redirect_chain[-1][0]


def test_the_change_page_shows_the_organisation_read_only_with_numbers_masked(
    official_client, hoian
):
    client = official_client("account")

    page = client.get(reverse("admin:accounts_user_change", args=[hoian.pk])).content.decode()

    assert "thông tin tổ chức" in page.lower()
    assert "Công ty TNHH Hội An Xanh" in page
    assert "0490******34" in page
    assert "049085001234" not in page
    # No citizen field to correct on an organisation's account.
    assert 'name="full_name"' not in page
    assert 'name="cccd_number"' not in page


def test_the_organisation_list_masks_tax_codes_and_says_what_was_inherited(official_client, hoian):
    OrganisationFactory(username="0401234566")
    client = official_client("account")

    response = client.get(PROFILES_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert hoian.username not in page
    assert "0401234566" not in page
    assert mask_number(hoian.username) in page
    assert "Tài khoản cũ (mã số thuế và mật khẩu)" in page
    assert "Tạo khi đăng nhập bằng VNeID" in page
    assert str(hoian.organisation) == f"Công ty TNHH Hội An Xanh ({mask_number(hoian.username)})"


def test_only_officials_who_see_accounts_see_organisations(official_client, hoian):
    assert official_client("registry").get(PROFILES_URL).status_code == 403
    assert official_client("system").get(PROFILES_URL).status_code == 200


def test_unlocking_an_organisations_login_is_audited_with_its_reason(official_client, hoian):
    AccessAttempt.objects.create(
        username=hoian.username, ip_address="10.0.0.1", failures_since_start=5
    )
    client = official_client("account")

    client.post(
        ACCOUNTS_URL,
        {
            "action": "unlock_login",
            "_selected_action": [hoian.pk],
            "confirm": "yes",
            "reason": REASON,
        },
    )

    assert not AccessAttempt.objects.filter(username=hoian.username).exists()
    entry = AuditEntry.objects.get(account=hoian, action="login_unlocked")
    assert (entry.actor, entry.reason) == (client.official, REASON)
