"""Personal data in admin lists: numbers masked, exact-number search, audited CSV export."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from idnumbers.numbers import mask_number, normalize_number
from tests.accounts.factories import UserFactory
from tests.admin_helpers import search_list

from .conftest import REASON

pytestmark = pytest.mark.django_db

ACCOUNTS_URL = reverse("admin:accounts_user_changelist")
AUDIT_URL = reverse("admin:accounts_auditentry_changelist")


def _listed(response):
    return {account.full_name for account in response.context["cl"].result_list}


def test_the_account_list_masks_cmnd_and_cccd(official_client, an):
    page = official_client("account").get(ACCOUNTS_URL).content.decode()
    assert "0123***78" in page
    assert "0010******21" in page
    assert "012345678" not in page
    assert "001085004321" not in page


def test_the_audit_list_masks_numbers(official_client, an):
    client = official_client("account")
    client.post(
        ACCOUNTS_URL,
        {"action": "unlink_cccd", "_selected_action": [an.pk], "confirm": "yes", "reason": REASON},
    )
    page = client.get(AUDIT_URL).content.decode()
    assert "Huỷ liên kết số CCCD" in page
    assert "0010******21" in page
    assert "001085004321" not in page
    assert "012345678" not in page


@pytest.mark.parametrize("number", ["012345678", "001085004321", "001.085.004.321"])
def test_searching_a_full_number_finds_exactly_that_account(official_client, an, number):
    UserFactory(full_name="Trần Văn Bình")
    response = search_list(official_client("account"), ACCOUNTS_URL, number)
    assert _listed(response) == {"Nguyễn Văn An"}


@pytest.mark.parametrize("fragment", ["0123", "12345678", "00108500432", "4321"])
def test_searching_part_of_a_number_finds_nobody(official_client, an, fragment):
    response = search_list(official_client("account"), ACCOUNTS_URL, fragment)
    assert _listed(response) == set()


def test_searching_part_of_a_name_finds_the_account(official_client, an):
    response = search_list(official_client("account"), ACCOUNTS_URL, "văn an")
    assert _listed(response) == {"Nguyễn Văn An"}


def test_the_audit_list_filters_by_action_actor_and_date(official_client, an):
    client = official_client("account")
    client.post(
        ACCOUNTS_URL,
        {"action": "unlink_cccd", "_selected_action": [an.pk], "confirm": "yes", "reason": REASON},
    )
    AuditEntry.objects.create(account=an, actor_kind="system", action="identity_refreshed")
    by_action = client.get(AUDIT_URL, {"action__exact": "cccd_unlinked"})
    assert [entry.action for entry in by_action.context["cl"].result_list] == ["cccd_unlinked"]
    by_actor = client.get(AUDIT_URL, {"actor__id__exact": client.official.pk})
    assert len(by_actor.context["cl"].result_list) == 1
    by_kind = client.get(AUDIT_URL, {"actor_kind__exact": "system"})
    assert [entry.action for entry in by_kind.context["cl"].result_list] == ["identity_refreshed"]
    entry = AuditEntry.objects.first()
    day = entry.created_at
    by_date = client.get(
        AUDIT_URL,
        {"created_at__year": day.year, "created_at__month": day.month, "created_at__day": day.day},
    )
    assert by_date.status_code == 200


def _export(client, pks, reason=REASON):
    return client.post(
        ACCOUNTS_URL,
        {"action": "export_csv", "_selected_action": pks, "confirm": "yes", "reason": reason},
    )


def test_the_system_administrator_exports_masked_csv_and_it_is_audited(official_client, an):
    client = official_client("system")
    response = _export(client, [an.pk])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Nguyễn Văn An" in body
    assert "0010******21" in body
    assert "001085004321" not in body
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.CSV_EXPORTED
    assert entry.actor == client.official
    assert entry.changes == {"exported_accounts": [None, 1]}
    assert entry.reason == REASON


def test_an_export_without_a_reason_asks_for_one_and_exports_nothing(official_client, an):
    response = _export(official_client("system"), [an.pk], reason="")
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["account", "registry", "none"])
def test_no_other_role_exports(official_client, an, role):
    response = _export(official_client(role), [an.pk])
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "number", "expected"),
    [
        ("accounts_user_changelist", "001 085 004 321", "Nguyễn Văn An"),
        ("accounts_user_changelist", "012345678", "Nguyễn Văn An"),
        ("citizen_registry_citizen_changelist", "001085004321", "Nguyễn Văn An"),
    ],
)
def test_the_search_box_keeps_the_number_out_of_the_url(
    official_client, an, an_record, url_name, number, expected
):
    client = official_client("account" if url_name.startswith("accounts") else "registry")
    url = reverse(f"admin:{url_name}")
    posted = client.post(url, {"q": number, "_number_search": "1"})

    assert posted.status_code == 302
    location = posted["Location"]
    assert normalize_number(number) not in location.replace("%20", "")
    assert "qt=" in location
    page = client.get(location)
    assert {obj.full_name for obj in page.context["cl"].result_list} == {expected}
    html = page.content.decode()
    assert normalize_number(number) not in html
    assert mask_number(normalize_number(number)) in html
    assert 'method="post" role="search"' in html


def test_a_search_token_survives_the_list_filters(official_client, an):
    client = official_client("account")
    UserFactory(full_name="Trần Văn Bình")
    location = client.post(ACCOUNTS_URL, {"q": "012345678", "_number_search": "1"})["Location"]
    filtered = client.get(f"{location}&is_active__exact=1")
    assert {account.full_name for account in filtered.context["cl"].result_list} == {
        "Nguyễn Văn An"
    }


def test_a_fragment_posted_to_the_search_box_finds_nobody(official_client, an):
    client = official_client("account")
    location = client.post(ACCOUNTS_URL, {"q": "0123456", "_number_search": "1"})["Location"]
    assert _listed(client.get(location)) == set()


def test_a_search_token_means_nothing_in_another_session(official_client, an):
    location = official_client("account").post(
        ACCOUNTS_URL, {"q": "012345678", "_number_search": "1"}
    )["Location"]
    other = official_client("account").get(location)
    # The token is not the number: elsewhere it filters nothing and reveals nothing.
    assert len(other.context["cl"].result_list) > 1
    assert "0123***78" not in other.context.get("number_search_shown", "")


def test_a_number_typed_into_the_address_bar_is_not_searched(official_client, an):
    UserFactory(full_name="Trần Văn Bình")
    client = official_client("account")
    unfiltered = _listed(client.get(ACCOUNTS_URL))
    assert _listed(client.get(ACCOUNTS_URL, {"q": "012345678"})) == unfiltered
    assert {"Nguyễn Văn An", "Trần Văn Bình"} <= unfiltered
