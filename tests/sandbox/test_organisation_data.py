"""The shipped organisations are read from their data file, checked against the personas."""

from datetime import date

import pytest

from sandbox.persona_data import (
    ORGANISATION_PASSWORD,
    ORGANISATIONS,
    ORGANISATIONS_BY_KEY,
    PERSONAS_BY_KEY,
    OrganisationAuthorisationSeed,
    load_organisations,
    organisation_copy,
)
from tests.personas import (
    DIENBAN_TAX_CODE,
    HOIAN_TAX_CODE,
    HUNG_CCCD,
    PHOBALAN_TAX_CODE,
    QUANG_CCCD,
    SONGHAN_TAX_CODE,
    SONTRA_TAX_CODE,
    TUAN_CCCD,
)
from tests.personas import (
    ORGANISATION_PASSWORD as PASSWORD,
)

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _check_digit_fits(code: str) -> bool:
    # Stated again here (brief §1), so that a wrong code in the data file fails on its own.
    total = sum(int(digit) * weight for digit, weight in zip(code[:9], WEIGHTS, strict=True))
    check = 10 - total % 11
    return len(code) == 10 and code.isdigit() and check != 10 and str(check) == code[9]


def test_the_five_organisations_have_their_fixed_keys_and_valid_tax_codes():
    codes = {org.key: org.tax_code for org in ORGANISATIONS}

    assert codes == {
        "hoian": HOIAN_TAX_CODE,
        "sontra": SONTRA_TAX_CODE,
        "phobalan": PHOBALAN_TAX_CODE,
        "songhan": SONGHAN_TAX_CODE,
        "dienban": DIENBAN_TAX_CODE,
    }
    assert all(_check_digit_fits(code) for code in codes.values())
    assert ORGANISATION_PASSWORD == PASSWORD


def test_each_organisation_starts_in_the_state_its_story_needs():
    hoian, sontra, phobalan, songhan, dienban = (
        ORGANISATIONS_BY_KEY[key] for key in ("hoian", "sontra", "phobalan", "songhan", "dienban")
    )
    # The clean path: one representative, no e-ID, legacy accounts with dossiers on both portals.
    assert [rep.cccd_number for rep in hoian.representatives] == [QUANG_CCCD]
    assert hoian.eid is None and hoian.kind == "llc_single"
    assert hoian.national_dossiers and hoian.provincial_dossiers
    # Two representatives, Tuấn has not confirmed.
    assert sontra.kind == "joint_stock" and sontra.eid is not None
    assert (sontra.eid.status, sontra.eid.registered_by, sontra.eid.unconfirmed) == (
        "pending",
        "thu",
        ("tuan",),
    )
    assert TUAN_CCCD in {rep.cccd_number for rep in sontra.current_representatives}
    assert phobalan.kind == "household_business" and phobalan.eid.status == "active"
    assert phobalan.provincial_dossiers and phobalan.national_dossiers is None
    # Hùng is only a former representative: the registry lists someone else now.
    (hung,) = [rep for rep in songhan.representatives if rep.persona == "hung"]
    assert (hung.cccd_number, hung.current) == (HUNG_CCCD, False)
    assert [rep.persona for rep in songhan.current_representatives] == [""]
    assert songhan.eid is None and songhan.national_dossiers
    assert dienban.eid.status == "active" and dienban.eid.registered_by == "quang"
    assert dienban.authorisations == (
        OrganisationAuthorisationSeed(grantee="mai", granted_by="quang", scope="dossiers"),
    )


def test_an_authorisation_until_the_end_of_next_year_never_goes_stale():
    (authorisation,) = ORGANISATIONS_BY_KEY["dienban"].authorisations

    assert authorisation.until(date(2026, 12, 8)) == date(2027, 12, 31)
    assert authorisation.until(date(2031, 1, 1)) == date(2032, 12, 31)


def test_every_person_an_organisation_names_is_a_level_2_vneid_persona():
    for org in ORGANISATIONS:
        for key in org.persona_keys:
            assert PERSONAS_BY_KEY[key].vneid_level == 2, (org.key, key)


def test_a_copy_takes_its_seats_tax_code_numbers_and_dossier_codes():
    hoian = ORGANISATIONS_BY_KEY["hoian"]

    copy = organisation_copy(
        hoian,
        tax_code="4019999990",
        cccd_of={QUANG_CCCD: "049080999999"},
        national_codes=["G22.230612.999001", "G22.240903.999002"],
        provincial_codes=["000.00.21.H47-230215-9999"],
        workspace="ABCD2345",
    )

    assert copy.tax_code == "4019999990" and copy.workspace == "ABCD2345"
    assert copy.representatives[0].cccd_number == "049080999999"
    assert [d.code for d in copy.national_dossiers] == ["G22.230612.999001", "G22.240903.999002"]
    assert copy.provincial_dossiers[0].code == "000.00.21.H47-230215-9999"
    assert copy.name == hoian.name and hoian.tax_code == HOIAN_TAX_CODE


BROKEN = """
legacy_password = "P"

[[organisations]]
key = "x"
role = "Thử"
enterprise_code = "{code}"
kind = "{kind}"
name = "Công ty Thử"
established_on = 2020-01-01
head_office_address = "Hội An"
status = "active"

[[organisations.representatives]]
persona = "{persona}"
position = "Giám đốc"
since = 2020-01-01

[organisations.eid]
status = "active"
registered_by = "{registered_by}"
"""


@pytest.mark.parametrize(
    ("code", "kind", "persona", "registered_by", "problem"),
    [
        ("4016827353", "cong_ty", "quang", "quang", "unknown kind"),
        ("4016827353", "llc_single", "nobody", "quang", "unknown persona"),
        ("4016827353", "llc_single", "quang", "mai", "not a current representative"),
        # The tenth digit is not the check digit of the first nine.
        ("4016827354", "llc_single", "quang", "quang", "not a valid 10-digit code"),
    ],
)
def test_a_data_file_the_seeding_could_only_half_apply_is_refused(
    tmp_path, code, kind, persona, registered_by, problem
):
    path = tmp_path / "organisations.toml"
    path.write_text(
        BROKEN.format(code=code, kind=kind, persona=persona, registered_by=registered_by),
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match=problem):
        load_organisations(path)
