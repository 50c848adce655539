"""The app's "Định danh tổ chức" screens: register, confirm, authorise, revoke, switch, QR as it."""

import re

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse

from vneid import organisations, qr
from vneid.models import (
    LoginSession,
    OidcClient,
    OrganisationAuthorisation,
    OrganisationEid,
    QrLogin,
)
from vneid.organisations import RepresentativeSeat

from .flows import PASSWORD
from .organisation_fixtures import (
    DIENBAN_CODE,
    HOIAN_CODE,
    LOOKUP_URL,
    MAI_CCCD,
    QUANG_CCCD,
    SONTRA_CODE,
    THU_CCCD,
    TUAN_CCCD,
    WRONG_CHECK_DIGIT,
    active_company,
    answer,
    enterprise,
    in_days,
)

pytestmark = pytest.mark.django_db

HOME = reverse("vneid:app_home")
LIST = reverse("vneid:app_organisations")
REGISTER = reverse("vneid:app_organisation_register")
CONFIRM = reverse("vneid:app_organisation_confirm")
SWITCH = reverse("vneid:app_switch")


def _phone(account) -> Client:
    phone = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.3")
    response = phone.post(
        HOME, {"personal_id_number": account.personal_id_number, "password": PASSWORD}
    )
    assert response.status_code == 302
    return phone


def _text(response) -> str:
    return response.content.decode()


def _login_of(account) -> LoginSession:
    return LoginSession.objects.filter(account=account, ended_at__isnull=True).latest("auth_time")


def _registration(**overrides):
    return {
        "passcode": PASSWORD,
        "kind": "llc_single",
        "name": "Công ty TNHH Hội An Xanh",
        "enterprise_code": HOIAN_CODE,
        **overrides,
    }


def test_the_screens_need_the_app_login(client):
    assert client.get(LIST)["Location"] == HOME
    assert client.post(SWITCH, {"account_choice": "personal"})["Location"] == HOME


def test_registering_in_the_app_activates_the_sole_representatives_eid(registry, quang):
    answer(registry, enterprise())
    phone = _phone(quang)

    response = phone.post(REGISTER, _registration(), follow=True)

    organisation = OrganisationEid.objects.get()
    page = _text(response)
    assert "Đã đăng ký và kích hoạt định danh điện tử" in page
    assert f'data-testid="vneid-org-{organisation.eid_code}"' in page
    assert "Người đại diện theo pháp luật" in page
    assert HOIAN_CODE not in page  # the tax code is shown masked


def test_a_refused_registration_keeps_what_was_typed(registry, quang):
    answer(registry, enterprise(status="dissolved"))
    phone = _phone(quang)

    response = phone.post(REGISTER, _registration(name="Công ty TNHH Hội An Xanh"))

    page = _text(response)
    assert response.status_code == 200
    assert 'data-code="dissolved"' in page
    assert "đã giải thể" in page
    assert 'value="Công ty TNHH Hội An Xanh"' in page
    assert f'value="{HOIAN_CODE}"' in page
    assert 'value="llc_single" selected' in page
    assert not OrganisationEid.objects.exists()


def test_a_wrong_check_digit_is_shown_on_the_form(registry, quang):
    phone = _phone(quang)

    response = phone.post(REGISTER, _registration(enterprise_code=WRONG_CHECK_DIGIT))

    assert 'data-code="invalid_tax_code"' in _text(response)
    assert f'value="{WRONG_CHECK_DIGIT}"' in _text(response)


def test_a_registry_fault_is_shown_as_a_system_fault_with_the_form_kept(registry, quang):
    registry.add(responses.POST, LOOKUP_URL, body=requests.ConnectionError("down"))
    phone = _phone(quang)

    response = phone.post(REGISTER, _registration())

    assert response.status_code == 503
    assert "không phải do thông tin bạn nhập" in _text(response)
    assert 'value="Công ty TNHH Hội An Xanh"' in _text(response)


def test_an_empty_registration_form_says_what_is_missing(quang):
    phone = _phone(quang)

    response = phone.post(REGISTER, {})

    page = _text(response)
    assert response.status_code == 200
    assert "Vui lòng nhập mật khẩu (passcode)" in page
    assert "Vui lòng chọn loại hình tổ chức." in page
    assert 'aria-invalid="true"' in page


def _sontra(thu):
    return organisations.seed_organisation(
        enterprise_code=SONTRA_CODE,
        kind="joint_stock",
        name="Công ty Cổ phần Du lịch Sơn Trà",
        established_on=in_days(-3000),
        head_office_address="99 Võ Nguyên Giáp, Đà Nẵng",
        registered_by=thu,
        representatives=[
            RepresentativeSeat(THU_CCCD, "Vũ Thị Thu"),
            RepresentativeSeat(TUAN_CCCD, "Bùi Anh Tuấn", confirmed=False),
        ],
    )


def test_a_co_representative_confirms_in_their_own_app(thu, tuan):
    sontra = _sontra(thu)
    phone = _phone(tuan)
    page = _text(phone.get(LIST))
    assert f'data-testid="vneid-org-pending-{sontra.eid_code}"' in page
    assert f'data-testid="vneid-org-waiting-{sontra.eid_code}"' in _text(_phone(thu).get(LIST))

    wrong = phone.post(CONFIRM, {"organisation": sontra.pk, "passcode": "sai"})
    assert 'data-code="wrong_passcode"' in _text(wrong)
    response = phone.post(CONFIRM, {"organisation": sontra.pk, "passcode": PASSWORD}, follow=True)

    sontra.refresh_from_db()
    assert sontra.status == OrganisationEid.Status.ACTIVE
    assert "đã được kích hoạt" in _text(response)


def test_switching_to_an_organisation_one_does_not_act_for_is_refused_clearly(quang, mai):
    company = active_company(quang)
    phone = _phone(mai)

    response = phone.post(SWITCH, {"account_choice": company.sub})

    assert response.status_code == 403
    assert 'data-code="not_acting"' in _text(response)
    assert "không thể dùng tài khoản của tổ chức" in _text(response)
    assert _login_of(mai).organisation is None
    assert "Tài khoản cá nhân" in _text(response)


def test_switching_to_an_unknown_account_choice_is_refused(quang):
    phone = _phone(quang)

    response = phone.post(SWITCH, {"account_choice": "not-a-sub"})

    assert response.status_code == 403
    assert _login_of(quang).organisation is None


def test_switching_to_the_organisation_and_back(quang):
    company = active_company(quang)
    phone = _phone(quang)

    page = _text(phone.post(SWITCH, {"account_choice": company.sub}, follow=True))
    assert _login_of(quang).organisation == company
    assert 'data-testid="vneid-app-active-organisation">Công ty TNHH Cơ khí Điện Bàn' in page
    # Every app screen's header says which account is active.
    assert "vneid-app-active-organisation" in _text(phone.get(HOME))

    phone.post(SWITCH, {"account_choice": "personal"})
    assert _login_of(quang).organisation is None


def test_approving_a_qr_while_switched_logs_the_browser_in_as_the_organisation(quang, rp):
    company = active_company(quang)
    phone = _phone(quang)
    phone.post(SWITCH, {"account_choice": company.sub})
    client = _client_of(rp)
    _, qr_token, _ = qr.start(client=client)

    response = phone.post(qr.scan_path(qr_token), {"decision": "approve"})

    assert response.status_code == 200
    assert QrLogin.objects.get().organisation == company


def test_approving_a_qr_as_the_person_leaves_the_organisation_empty(quang, rp):
    active_company(quang)
    phone = _phone(quang)
    _, qr_token, _ = qr.start(client=_client_of(rp))

    confirm = _text(phone.get(qr.scan_path(qr_token)))
    assert "vneid-app-confirm-organisation" not in confirm
    phone.post(qr.scan_path(qr_token), {"decision": "approve"})

    assert QrLogin.objects.get().organisation is None


def _client_of(rp) -> OidcClient:
    return OidcClient.objects.get(client_id=rp.client_id)


def test_a_representative_authorises_and_revokes_in_the_app(quang, mai):
    company = active_company(quang)
    phone = _phone(quang)
    url = reverse("vneid:app_authorisations", args=[company.pk])

    response = phone.post(
        url,
        {"grantee_number": MAI_CCCD, "scope": "dossiers", "valid_until": in_days(90).isoformat()},
        follow=True,
    )

    authorisation = OrganisationAuthorisation.objects.get()
    assert "Đã ủy quyền cho Trịnh Thị Mai" in _text(response)
    assert organisations.acting_for(mai, company).scope == "dossiers"
    revoke = reverse("vneid:app_revoke", args=[company.pk])
    page = _text(phone.post(revoke, {"authorisation": authorisation.pk}, follow=True))
    assert "Đã thu hồi ủy quyền của Trịnh Thị Mai" in page
    assert "Đã thu hồi" in page
    with pytest.raises(organisations.OrganisationRefused):
        organisations.acting_for(mai, company)


def test_a_bad_authorisation_keeps_the_values_typed(quang):
    company = active_company(quang)
    phone = _phone(quang)
    url = reverse("vneid:app_authorisations", args=[company.pk])

    response = phone.post(
        url, {"grantee_number": QUANG_CCCD, "scope": "full", "valid_until": "2020-01-01"}
    )

    page = _text(response)
    assert 'data-code="end_date_past"' in page
    assert f'value="{QUANG_CCCD}"' in page
    assert 'value="2020-01-01"' in page
    assert not OrganisationAuthorisation.objects.exists()


def test_an_invalid_date_is_a_form_error_not_a_crash(quang):
    company = active_company(quang)
    phone = _phone(quang)
    url = reverse("vneid:app_authorisations", args=[company.pk])

    response = phone.post(url, {"grantee_number": MAI_CCCD, "scope": "x", "valid_until": "31/02"})

    assert response.status_code == 200
    assert "Ngày hết hạn không hợp lệ" in _text(response)
    assert "phạm vi ủy quyền trong danh sách" in _text(response)


def test_an_authorised_person_cannot_open_the_authorisations(quang, mai):
    company = active_company(quang)
    organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(9)
    )
    phone = _phone(mai)

    response = phone.get(reverse("vneid:app_authorisations", args=[company.pk]))

    assert response.status_code == 403
    assert 'data-code="not_representative_to_authorise"' in _text(response)


def test_a_stranger_cannot_revoke(quang, mai):
    company = active_company(quang)
    authorisation = organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(9)
    )
    phone = _phone(mai)

    response = phone.post(
        reverse("vneid:app_revoke", args=[company.pk]), {"authorisation": authorisation.pk}
    )

    assert response.status_code == 403
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None


def test_the_list_shows_an_authorised_persons_role_and_scope(quang, mai):
    company = active_company(quang, code=DIENBAN_CODE)
    organisations.seed_authorisation(
        organisation=company,
        grantee=mai,
        granted_by=quang,
        scope="dossiers",
        valid_until=in_days(9),
    )

    page = _text(_phone(mai).get(LIST))

    assert "Người được ủy quyền" in page
    assert "Nộp và theo dõi hồ sơ dịch vụ công" in page
    assert not re.search(r"vneid-org-authorise-", page)


HUGE = "9" * 30


@pytest.mark.parametrize("organisation", ["abc", "", HUGE, "-1", "999999"])
def test_a_confirmation_of_no_real_organisation_is_refused_without_a_crash(tuan, organisation):
    phone = _phone(tuan)

    response = phone.post(CONFIRM, {"organisation": organisation, "passcode": PASSWORD})

    assert response.status_code == 404
    assert 'data-code="not_found"' in _text(response)


def test_a_confirmation_without_passcode_asks_for_it(thu, tuan):
    sontra = _sontra(thu)
    phone = _phone(tuan)

    response = phone.post(CONFIRM, {"organisation": sontra.pk, "passcode": ""})

    assert response.status_code == 200
    assert "Vui lòng nhập mật khẩu (passcode)" in _text(response)


def test_an_organisation_id_no_database_holds_is_refused_as_not_acting(quang):
    phone = _phone(quang)

    response = phone.get(reverse("vneid:app_authorisations", args=[int(HUGE)]))

    assert response.status_code == 403
    assert 'data-code="not_acting"' in _text(response)


@pytest.mark.parametrize("authorisation", ["x", HUGE, "12345"])
def test_revoking_no_real_authorisation_says_so(quang, authorisation):
    company = active_company(quang)
    phone = _phone(quang)

    response = phone.post(
        reverse("vneid:app_revoke", args=[company.pk]),
        {"authorisation": authorisation},
        follow=True,
    )

    assert response.status_code == 200
    assert "Không tìm thấy ủy quyền này" in _text(response)
