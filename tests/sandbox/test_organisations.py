"""The shipped organisations are seeded into the registry, VNeID and both portals, and reset."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccountType, OrganisationProfile, User
from business_registry.models import Enterprise
from idnumbers.tax_codes import is_valid_tax_code
from portal.models import Dossier
from provincial_portal.models import ProvincialAccount
from sandbox.organisations import ensure_organisations, reset_organisation
from sandbox.personas import ensure_personas
from tests.personas import (
    DIENBAN_TAX_CODE,
    HOIAN_TAX_CODE,
    HUNG_CCCD,
    MAI_CCCD,
    ORGANISATION_PASSWORD,
    PHOBALAN_TAX_CODE,
    QUANG_CCCD,
    SONGHAN_TAX_CODE,
    SONTRA_TAX_CODE,
    TUAN_CCCD,
)
from vneid.models import OrganisationEid
from vneid.organisations import acting_for, organisations_acted_for
from vneid.services import account_of_number


@pytest.fixture
def seeded(db):
    ensure_personas()


def _states(capsys):
    call_command("personas", "--json")
    return {item["key"]: item for item in json.loads(capsys.readouterr().out)}


def test_the_registry_holds_every_organisation_with_its_representatives(seeded):
    songhan = Enterprise.objects.get(enterprise_code=SONGHAN_TAX_CODE)
    hung = songhan.representatives.get(cccd_number=HUNG_CCCD)

    assert hung.until is not None
    assert songhan.representatives.filter(until__isnull=True).exclude(cccd_number=HUNG_CCCD)
    assert Enterprise.objects.get(enterprise_code=PHOBALAN_TAX_CODE).kind == "household_business"
    assert (
        Enterprise.objects.filter(
            enterprise_code__in=[HOIAN_TAX_CODE, SONTRA_TAX_CODE, DIENBAN_TAX_CODE]
        ).count()
        == 3
    )


def test_vneid_holds_the_e_ids_in_their_starting_states(seeded):
    assert not OrganisationEid.objects.filter(enterprise_code=HOIAN_TAX_CODE).exists()
    sontra = OrganisationEid.objects.get(enterprise_code=SONTRA_TAX_CODE)
    assert sontra.status == OrganisationEid.Status.PENDING
    assert sontra.representatives.get(cccd_number=TUAN_CCCD).confirmed_at is None
    assert OrganisationEid.objects.get(enterprise_code=PHOBALAN_TAX_CODE).status == "active"
    dienban = OrganisationEid.objects.get(enterprise_code=DIENBAN_TAX_CODE)
    # Mai acts for Điện Bàn through the authorisation, until the end of next year.
    mai = account_of_number(MAI_CCCD)
    acting = acting_for(mai, dienban)
    assert (acting.role, acting.scope) == ("authorised_person", "dossiers")
    (authorisation,) = dienban.authorisations.all()
    assert authorisation.valid_until.year == timezone.localdate().year + 1
    quang = account_of_number(QUANG_CCCD)
    assert [a.organisation.enterprise_code for a in organisations_acted_for(quang)] == [
        DIENBAN_TAX_CODE
    ]


def test_the_portals_hold_the_legacy_organisation_accounts_with_their_dossiers(seeded):
    hoian = User.objects.get(username=HOIAN_TAX_CODE)
    assert hoian.account_type == AccountType.ORGANISATION and hoian.check_password(
        ORGANISATION_PASSWORD
    )
    assert hoian.organisation.legal_representative_cccd == QUANG_CCCD
    assert Dossier.objects.filter(owner=hoian).count() == 2
    # Sông Hàn's old account still names Hùng: the registry has moved on.
    assert OrganisationProfile.objects.get(tax_code=SONGHAN_TAX_CODE).legal_representative_cccd == (
        HUNG_CCCD
    )
    assert not User.objects.filter(username=PHOBALAN_TAX_CODE).exists()
    assert set(
        ProvincialAccount.objects.filter(account_type="organisation").values_list(
            "tax_code", flat=True
        )
    ) == {HOIAN_TAX_CODE, PHOBALAN_TAX_CODE}


def test_personas_json_lists_the_organisations_with_their_people_by_key(seeded, capsys):
    states = _states(capsys)

    hoian = states["hoian"]
    assert hoian["type"] == "organisation" and states["quang"]["type"] == "citizen"
    assert (hoian["name"], hoian["tax_code"], hoian["kind"]) == (
        "Công ty TNHH Hội An Xanh",
        HOIAN_TAX_CODE,
        "llc_single",
    )
    assert hoian["eid"] is None
    assert hoian["representatives"][0]["persona"] == "quang"
    assert hoian["national"] == {
        "username": HOIAN_TAX_CODE,
        "password": ORGANISATION_PASSWORD,
        "dossiers": 2,
        "inherited": False,
    }
    assert hoian["provincial"]["password"] == ORGANISATION_PASSWORD
    assert hoian["provincial"]["dossiers"] == 1
    sontra = states["sontra"]["eid"]
    assert (sontra["status"], sontra["registered_by"], sontra["confirmed"], sontra["pending"]) == (
        "pending",
        "thu",
        ["thu"],
        ["tuan"],
    )
    (authorisation,) = states["dienban"]["eid"]["authorisations"]
    assert (authorisation["grantee"], authorisation["granted_by"], authorisation["scope"]) == (
        "mai",
        "quang",
        "dossiers",
    )
    assert [rep["current"] for rep in states["songhan"]["representatives"]] == [False, True]


def test_a_reset_undoes_what_a_trainee_did_to_an_organisation(seeded):
    hoian = User.objects.get(username=HOIAN_TAX_CODE)
    OrganisationProfile.objects.filter(account=hoian).update(
        vneid_sub="x" * 32, inherited_at=timezone.now(), inherited_by_number=QUANG_CCCD
    )
    hoian.set_password("changed")
    hoian.save()
    OrganisationEid.objects.filter(enterprise_code=SONTRA_TAX_CODE).update(status="active")

    reset_organisation("hoian")
    reset_organisation("sontra")

    hoian.refresh_from_db()
    assert hoian.check_password(ORGANISATION_PASSWORD)
    assert hoian.organisation.vneid_sub == "" and hoian.organisation.inherited_at is None
    assert OrganisationEid.objects.get(enterprise_code=SONTRA_TAX_CODE).status == "pending"


def test_ensuring_twice_changes_nothing_and_creates_only_what_is_missing(seeded):
    eid = OrganisationEid.objects.get(enterprise_code=DIENBAN_TAX_CODE)

    assert ensure_organisations() == []
    Enterprise.objects.filter(enterprise_code=HOIAN_TAX_CODE).delete()
    assert ensure_organisations() == ["hoian"]
    # Re-seeding keeps the e-ID's identity: relying parties keep recognising the organisation.
    assert OrganisationEid.objects.get(enterprise_code=DIENBAN_TAX_CODE).sub == eid.sub


def test_every_seeded_tax_code_carries_its_check_digit(seeded):
    assert all(
        is_valid_tax_code(code)
        for code in Enterprise.objects.values_list("enterprise_code", flat=True)
    )


def test_each_seat_gets_its_own_organisations_with_valid_unique_tax_codes(seeded):
    from sandbox.workspaces import create_class, seat_state

    training_class = create_class(name="Lớp tổ chức", seats=2)
    seats = [seat_state(workspace) for workspace in training_class.workspaces.all()]

    codes = [org["tax_code"] for seat in seats for org in seat["organisations"]]
    shipped = {
        HOIAN_TAX_CODE,
        SONTRA_TAX_CODE,
        PHOBALAN_TAX_CODE,
        SONGHAN_TAX_CODE,
        DIENBAN_TAX_CODE,
    }
    assert len(codes) == len(set(codes)) == 10 and not set(codes) & shipped
    assert all(is_valid_tax_code(code) for code in codes)
    first = {org["key"]: org for org in seats[0]["organisations"]}
    # The province's digits stay: Hội An is in Quảng Nam, Sơn Trà in Đà Nẵng.
    assert first["hoian"]["tax_code"][:2] == "40" and first["sontra"]["tax_code"][:2] == "04"
    assert first["sontra"]["eid"]["pending"] == ["tuan"]
    assert first["dienban"]["eid"]["authorisations"][0]["grantee"] == "mai"
    assert first["hoian"]["national"]["dossiers"] == 2
    # The seat's Quang acts for the seat's Điện Bàn, not for the shipped one.
    quang = next(p for p in seats[0]["personas"] if p["key"] == "quang")
    acted = organisations_acted_for(account_of_number(quang["cccd_number"]))
    assert [a.organisation.enterprise_code for a in acted] == [first["dienban"]["tax_code"]]


def test_deleting_a_workspace_deletes_its_organisations_everywhere(seeded):
    from sandbox.workspaces import create_class, delete_workspaces, reset_workspace

    training_class = create_class(name="Lớp xoá", seats=1)
    workspace = training_class.workspaces.get()
    codes = list(workspace.organisations.values_list("tax_code", flat=True))
    OrganisationEid.objects.filter(enterprise_code__in=codes, status="pending").update(
        status="active"
    )
    reset_workspace(workspace)
    assert OrganisationEid.objects.filter(enterprise_code__in=codes, status="pending").count() == 1

    delete_workspaces([workspace])

    assert not Enterprise.objects.filter(enterprise_code__in=codes).exists()
    assert not OrganisationEid.objects.filter(enterprise_code__in=codes).exists()
    assert not User.objects.filter(username__in=codes).exists()
    assert not ProvincialAccount.objects.filter(tax_code__in=codes).exists()
    # The shipped organisations are untouched.
    assert Enterprise.objects.filter(enterprise_code=HOIAN_TAX_CODE).exists()


def test_the_console_shows_each_organisation_with_its_credentials_and_resets_it(seeded, client):
    page = client.get("/sandbox/").content.decode()

    assert 'data-organisation="hoian"' in page and HOIAN_TAX_CODE in page
    assert ORGANISATION_PASSWORD in page
    assert "Chờ người đại diện xác nhận · chờ <code>tuan</code> xác nhận" in page
    assert "ủy quyền <code>mai</code> (dossiers" in page
    assert "người đại diện cũ" in page

    OrganisationEid.objects.filter(enterprise_code=SONTRA_TAX_CODE).update(status="active")
    response = client.post("/sandbox/to-chuc/sontra/reset/", follow=True)

    assert "Đã đặt lại Công ty Cổ phần Du lịch Sơn Trà" in response.content.decode()
    assert OrganisationEid.objects.get(enterprise_code=SONTRA_TAX_CODE).status == "pending"
    assert client.post("/sandbox/to-chuc/khong-co/reset/").status_code == 404
    assert client.get("/sandbox/to-chuc/sontra/reset/").status_code == 405


def test_the_seat_card_lists_the_seats_organisations_briefly(seeded, client):
    from sandbox.workspaces import create_class

    workspace = create_class(name="Lớp thẻ", seats=1).workspaces.get()
    codes = dict(workspace.organisations.values_list("key", "tax_code"))

    page = client.get(f"/sandbox/cho-ngoi/{workspace.code}/").content.decode()

    assert 'data-testid="seat-organisations"' in page
    assert f'data-testid="tax-code-hoian">{codes["hoian"]}<' in page
    assert HOIAN_TAX_CODE not in page
    assert "Mai Văn Hùng (người đại diện cũ)" in page
    assert "ủy quyền: Trịnh Thị Mai" in page
    assert ORGANISATION_PASSWORD in page
