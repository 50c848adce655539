"""Organisation e-IDs: who may act for an organisation, confirmations, authorisations, seeding."""

from datetime import date

import pytest
from django.utils import timezone

from vneid import login_state, organisations
from vneid.models import (
    AuditEvent,
    LoginSession,
    OrganisationAuthorisation,
    OrganisationEid,
)
from vneid.organisations import OrganisationRefused, RepresentativeSeat

from .flows import PASSWORD
from .organisation_fixtures import (
    DIENBAN_CODE,
    MAI_CCCD,
    QUANG_CCCD,
    SONTRA_CODE,
    THU_CCCD,
    TUAN_CCCD,
    active_company,
    in_days,
    person,
)

pytestmark = pytest.mark.django_db


def _refusal(call, *args, **kwargs) -> OrganisationRefused:
    with pytest.raises(OrganisationRefused) as caught:
        call(*args, **kwargs)
    return caught.value


def _sontra(thu, tuan) -> OrganisationEid:
    return organisations.seed_organisation(
        enterprise_code=SONTRA_CODE,
        kind="joint_stock",
        name="Công ty Cổ phần Du lịch Sơn Trà",
        established_on=date(2012, 3, 9),
        head_office_address="99 Võ Nguyên Giáp, quận Sơn Trà, Đà Nẵng",
        registered_by=thu,
        representatives=[
            RepresentativeSeat(THU_CCCD, "Vũ Thị Thu", "Chủ tịch HĐQT"),
            RepresentativeSeat(TUAN_CCCD, "Bùi Anh Tuấn", "Tổng giám đốc", confirmed=False),
        ],
    )


# --- Acting for an organisation ----------------------------------------------------------


def test_a_confirmed_representative_acts_for_the_active_organisation(quang):
    company = active_company(quang)

    acting = organisations.acting_for(quang, company)

    assert acting.role == organisations.LEGAL_REPRESENTATIVE
    assert acting.scope == ""
    assert organisations.acting_for(quang, company.pk).organisation == company
    assert organisations.acting_for(quang, company.sub).organisation == company
    assert [a.organisation for a in organisations.organisations_acted_for(quang)] == [company]


def test_a_person_who_does_not_act_for_the_organisation_is_refused(quang, mai):
    company = active_company(quang)

    refusal = _refusal(organisations.acting_for, mai, company)

    assert refusal.code == "not_acting"
    assert "không phải người đại diện" in refusal.message
    assert organisations.organisations_acted_for(mai) == []


def test_an_unknown_organisation_is_refused_as_not_acting(quang):
    assert _refusal(organisations.acting_for, quang, 999999).code == "not_acting"
    assert _refusal(organisations.acting_for, quang, "no-such-sub").code == "not_acting"


def test_a_pending_organisation_cannot_be_acted_for_until_everyone_confirmed(thu, tuan):
    sontra = _sontra(thu, tuan)

    assert sontra.status == OrganisationEid.Status.PENDING
    assert _refusal(organisations.acting_for, thu, sontra).code == "organisation_inactive"
    assert organisations.organisations_acted_for(thu) == []


def test_an_authorised_person_acts_with_the_authorisation_scope(quang, mai):
    company = active_company(quang)
    organisations.authorise(
        account=quang,
        organisation=company,
        grantee_number=MAI_CCCD,
        scope="dossiers",
        valid_until=in_days(30),
    )

    acting = organisations.acting_for(mai, company)

    assert (acting.role, acting.scope) == (organisations.AUTHORISED_PERSON, "dossiers")
    assert [a.role for a in organisations.organisations_acted_for(mai)] == ["authorised_person"]


def test_a_revoked_authorisation_is_refused_with_its_own_code(quang, mai):
    company = active_company(quang)
    authorisation = organisations.authorise(
        account=quang,
        organisation=company,
        grantee_number=MAI_CCCD,
        scope="full",
        valid_until=in_days(30),
    )

    organisations.revoke_authorisation(account=quang, authorisation=authorisation)

    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
    assert authorisation.revoked_by == quang
    refusal = _refusal(organisations.acting_for, mai, company)
    assert refusal.code == "authorisation_revoked"
    assert "thu hồi" in refusal.message
    assert organisations.organisations_acted_for(mai) == []
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.AUTHORISATION_REVOKED).count() == 1
    again = _refusal(organisations.revoke_authorisation, account=quang, authorisation=authorisation)
    assert again.code == "already_revoked"


def test_an_expired_authorisation_is_refused_with_its_own_code(quang, mai):
    company = active_company(quang)
    organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(-1)
    )

    refusal = _refusal(organisations.acting_for, mai, company)

    assert refusal.code == "authorisation_expired"
    assert "hết hạn" in refusal.message
    assert organisations.organisations_acted_for(mai) == []


def test_an_authorisation_holds_through_its_last_day(quang, mai):
    company = active_company(quang)
    organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(0)
    )

    assert organisations.acting_for(mai, company).scope == "full"


def test_a_locked_organisation_is_refused_even_to_its_representative(quang):
    company = active_company(quang)
    OrganisationEid.objects.filter(pk=company.pk).update(status=OrganisationEid.Status.LOCKED)

    assert _refusal(organisations.acting_for, quang, company.pk).code == "organisation_inactive"


# --- The app's account switch ------------------------------------------------------------


def _app_login(rf, account) -> LoginSession:
    return login_state.start_login(rf.get("/"), account=account, cookie=login_state.APP_COOKIE_NAME)


def test_switching_sets_the_login_organisation_and_back(rf, quang):
    company = active_company(quang)
    login = _app_login(rf, quang)

    organisations.switch_login(login=login, organisation=company.sub)
    assert LoginSession.objects.get(pk=login.pk).organisation == company
    organisations.switch_login(login=login, organisation=None)
    assert LoginSession.objects.get(pk=login.pk).organisation is None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_SWITCHED).count() == 2


def test_switching_to_an_organisation_one_does_not_act_for_is_refused(rf, quang, mai):
    company = active_company(quang)
    login = _app_login(rf, mai)

    refusal = _refusal(organisations.switch_login, login=login, organisation=company.pk)

    assert refusal.code == "not_acting"
    assert LoginSession.objects.get(pk=login.pk).organisation is None


def test_a_login_whose_authorisation_was_revoked_falls_back_to_the_person(rf, quang, mai):
    company = active_company(quang)
    authorisation = organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(9)
    )
    login = _app_login(rf, mai)
    organisations.switch_login(login=login, organisation=company)

    organisations.revoke_authorisation(account=quang, authorisation=authorisation)

    assert organisations.current_acting(login) is None
    assert LoginSession.objects.get(pk=login.pk).organisation is None


# --- Confirmations -----------------------------------------------------------------------


def test_the_last_representative_confirming_activates_the_organisation(thu, tuan):
    sontra = _sontra(thu, tuan)

    confirmed = organisations.confirm_registration(
        account=tuan, organisation=sontra, passcode=PASSWORD
    )

    assert confirmed.status == OrganisationEid.Status.ACTIVE
    assert confirmed.activated_at is not None
    assert sontra.representatives.get(cccd_number=TUAN_CCCD).account == tuan
    assert organisations.acting_for(tuan, sontra).role == organisations.LEGAL_REPRESENTATIVE
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"organisation_confirmed", "organisation_activated"} <= kinds


def test_confirmation_with_a_wrong_passcode_changes_nothing(thu, tuan):
    sontra = _sontra(thu, tuan)

    refusal = _refusal(
        organisations.confirm_registration, account=tuan, organisation=sontra, passcode="sai"
    )

    assert refusal.code == "wrong_passcode"
    assert sontra.representatives.get(cccd_number=TUAN_CCCD).confirmed_at is None
    sontra.refresh_from_db()
    assert sontra.status == OrganisationEid.Status.PENDING


def test_someone_not_listed_cannot_confirm(thu, tuan, mai):
    sontra = _sontra(thu, tuan)

    refusal = _refusal(
        organisations.confirm_registration, account=mai, organisation=sontra, passcode=PASSWORD
    )

    assert refusal.code == "not_pending_representative"


def test_confirming_twice_is_told_so(thu, tuan):
    sontra = _sontra(thu, tuan)

    refusal = _refusal(
        organisations.confirm_registration, account=thu, organisation=sontra, passcode=PASSWORD
    )

    assert refusal.code == "already_confirmed"


def test_pending_confirmations_list_what_waits_for_the_person(thu, tuan):
    sontra = _sontra(thu, tuan)

    assert [r.organisation for r in organisations.pending_confirmations(tuan)] == [sontra]
    assert organisations.pending_confirmations(thu) == []


def test_five_wrong_passcodes_lock_like_wrong_passwords(thu, tuan):
    sontra = _sontra(thu, tuan)
    for _ in range(6):
        _refusal(
            organisations.confirm_registration, account=tuan, organisation=sontra, passcode="x"
        )

    refusal = _refusal(
        organisations.confirm_registration, account=tuan, organisation=sontra, passcode=PASSWORD
    )

    assert refusal.code == "throttled"
    assert refusal.status == 429


# --- Authorisations ----------------------------------------------------------------------


def _authorise(account, company, **overrides):
    values = {"grantee_number": MAI_CCCD, "scope": "dossiers", "valid_until": in_days(30)}
    values.update(overrides)
    return organisations.authorise(account=account, organisation=company, **values)


def test_only_a_confirmed_representative_authorises(quang, mai, thu):
    company = active_company(quang)

    refusal = _refusal(_authorise, thu, company, grantee_number=QUANG_CCCD)

    assert refusal.code == "not_representative_to_authorise"


def test_an_authorised_person_cannot_authorise_further(quang, mai, thu):
    company = active_company(quang)
    _authorise(quang, company, scope="full")

    assert _refusal(_authorise, mai, company, grantee_number=THU_CCCD).code == (
        "not_representative_to_authorise"
    )


def test_authorising_a_pending_organisation_is_refused(thu, tuan, mai):
    sontra = _sontra(thu, tuan)

    assert _refusal(_authorise, thu, sontra).code == "organisation_inactive"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"grantee_number": "12345"}, "invalid_grantee_number"),
        ({"grantee_number": "001099012345"}, "grantee_not_found"),
        ({"grantee_number": QUANG_CCCD}, "self_authorisation"),
        ({"scope": "everything"}, "invalid_scope"),
        ({"valid_until": date(2020, 1, 1)}, "end_date_past"),
        ({"valid_until": in_days(0)}, "end_date_past"),
        ({"valid_until": in_days(366 * 5 + 2)}, "end_date_too_far"),
    ],
)
def test_bad_authorisations_are_refused_and_nothing_is_written(quang, mai, overrides, code):
    company = active_company(quang)

    assert _refusal(_authorise, quang, company, **overrides).code == code
    assert not OrganisationAuthorisation.objects.exists()


def test_a_level_one_grantee_is_refused(quang):
    company = active_company(quang)
    person("049099000999", "Lê Văn Một", level=1)

    refusal = _refusal(_authorise, quang, company, grantee_number="049099000999")

    assert refusal.code == "grantee_not_level_2"


def test_a_second_current_authorisation_of_the_same_person_is_refused(quang, mai):
    company = active_company(quang)
    _authorise(quang, company)

    assert _refusal(_authorise, quang, company).code == "already_authorised"
    assert OrganisationAuthorisation.objects.count() == 1


def test_a_level_one_person_cannot_act_even_when_authorised(quang, mai):
    company = active_company(quang)
    _authorise(quang, company)
    mai.assurance_level = 1
    mai.save()

    assert _refusal(organisations.acting_for, mai, company).code == "not_level_2"


# --- Seeding -----------------------------------------------------------------------------


def test_seeding_is_idempotent_and_keeps_the_organisation_sub(quang):
    first = active_company(quang)
    again = active_company(quang)

    assert again.pk == first.pk
    assert (again.sub, again.eid_code) == (first.sub, first.eid_code)
    assert again.representatives.count() == 1
    assert again.representatives.get().account == quang


def test_deleting_organisations_removes_their_representatives_and_authorisations(quang, mai):
    company = active_company(quang)
    _authorise(quang, company)

    assert organisations.delete_organisations([DIENBAN_CODE, "0000000000"]) == 1
    assert not OrganisationEid.objects.exists()
    assert not OrganisationAuthorisation.objects.exists()


def test_an_organisation_is_shown_with_its_tax_code_masked(quang):
    company = active_company(quang)

    assert DIENBAN_CODE not in str(company)
    assert company.representatives.get().cccd_number not in str(company.representatives.get())
    assert timezone.now() >= company.created_at
