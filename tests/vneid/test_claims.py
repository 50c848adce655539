"""The scopes → claims table: a person's claims, and an organisation login's (claims_for)."""

import pytest

from vneid.claims import claims_for, claims_supported
from vneid.organisations import AUTHORISED_PERSON, LEGAL_REPRESENTATIVE, Acting

from .organisation_fixtures import DIENBAN_CODE

pytestmark = pytest.mark.django_db

ALL = "openid profile vneid_identity vneid_organisation"


@pytest.fixture
def representative(dienban):
    return Acting(organisation=dienban, role=LEGAL_REPRESENTATIVE, scope="")


def test_a_person_without_the_organisation_scope_gets_no_account_type(quang):
    claims = claims_for(quang, "openid profile vneid_identity")

    assert claims["sub"] == quang.sub
    assert claims["personal_id_number"] == quang.personal_id_number
    assert "account_type" not in claims


def test_a_person_who_asked_for_the_organisation_scope_is_a_citizen(quang):
    claims = claims_for(quang, ALL)

    assert claims["account_type"] == "citizen"
    assert "act" not in claims
    assert claims["name"] == quang.citizen.full_name


def test_an_organisation_login_names_the_organisation_as_subject_and_the_person_in_act(
    quang, dienban, representative
):
    claims = claims_for(quang, "openid vneid_organisation", representative)

    assert claims["sub"] == dienban.sub != quang.sub
    assert claims["act"] == {"sub": quang.personal_id_number}
    assert claims["account_type"] == "organisation"


def test_an_organisation_login_carries_every_attribute_of_the_e_id(quang, dienban, representative):
    claims = claims_for(quang, "openid vneid_organisation", representative)

    assert claims == {
        "sub": dienban.sub,
        "act": {"sub": quang.personal_id_number},
        "account_type": "organisation",
        "organisation_role": "legal_representative",
        "organisation_eid": dienban.eid_code,
        "organisation_id_number": dienban.identification_number,
        "organisation_name": "Công ty TNHH Cơ khí Điện Bàn",
        "organisation_short_name": "CƠ KHÍ ĐIỆN BÀN",
        "organisation_foreign_name": "DIEN BAN MECHANICAL COMPANY LIMITED",
        "organisation_kind": "llc_single",
        "establishment_date": "2015-03-12",
        "head_office_address": dienban.head_office_address,
        "tax_code": DIENBAN_CODE,
        "enterprise_code": DIENBAN_CODE,
        "legal_representative_name": "Đặng Văn Quang",
        "legal_representative_id_number": quang.personal_id_number,
    }


def test_an_empty_name_is_left_out_rather_than_sent_empty(quang, dienban, representative):
    dienban.short_name = dienban.foreign_name = ""

    claims = claims_for(quang, "openid vneid_organisation", representative)

    assert "organisation_short_name" not in claims
    assert "organisation_foreign_name" not in claims


def test_an_authorised_person_gets_the_scope_of_the_authorisation(mai, dienban):
    acting = Acting(organisation=dienban, role=AUTHORISED_PERSON, scope="dossiers")

    claims = claims_for(mai, "openid vneid_organisation", acting)

    assert claims["organisation_role"] == "authorised_person"
    assert claims["authorisation_scope"] == "dossiers"
    assert claims["act"] == {"sub": mai.personal_id_number}
    # The registering representative, not the person acting.
    assert claims["legal_representative_id_number"] == dienban.registered_by_number


def test_profile_is_the_organisations_name_only(quang, dienban, representative):
    claims = claims_for(quang, ALL, representative)

    assert claims["name"] == dienban.name
    assert "birthdate" not in claims
    assert "gender" not in claims


def test_vneid_identity_releases_nothing_for_an_organisation_login(quang, dienban, representative):
    claims = claims_for(quang, ALL, representative)

    assert "personal_id_number" not in claims
    assert "old_cmnd_number" not in claims


def test_a_role_without_the_organisation_scope_gives_the_persons_own_claims(quang, representative):
    claims = claims_for(quang, "openid profile", representative)

    assert claims["sub"] == quang.sub
    assert "act" not in claims
    assert "account_type" not in claims


def test_every_claim_released_is_listed_for_discovery(quang, mai, dienban, representative):
    listed = set(claims_supported())
    authorised = Acting(organisation=dienban, role=AUTHORISED_PERSON, scope="full")

    for claims in (
        claims_for(quang, ALL),
        claims_for(quang, ALL, representative),
        claims_for(mai, ALL, authorised),
    ):
        assert set(claims) <= listed
