"""Organisations at the province: the legacy login, the cut-off, VNeID logins and takeovers."""

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth.hashers import is_password_usable
from django.test import override_settings

from provincial_portal import services
from provincial_portal.models import (
    AuditEvent,
    OrganisationLoginSwitch,
    PasswordFailure,
    ProvincialAccount,
    ProvincialDossier,
    ProvincialSession,
)
from provincial_portal.organisations import AccountLocked, LegacyLoginClosed, WrongCredentials

from .conftest import (
    ACCOUNT,
    CALLBACK,
    DOSSIERS,
    HOME,
    INHERIT,
    LOGOUT,
    ORGANISATION,
    ORGANISATION_LOGIN,
    PEOPLE,
    has_provincial_cookie,
    log_in,
    organisation_login,
    userinfo,
)
from .factories import (
    DIENBAN_TAX_CODE,
    HOIAN_SEED,
    HOIAN_TAX_CODE,
    HOIAN_WRONG_CHECK_DIGIT,
    MAI_CCCD,
    ORGANISATION_PASSWORD,
    QUANG_CCCD,
    THANH_CCCD,
)

pytestmark = pytest.mark.django_db


def hoian_account() -> ProvincialAccount:
    return ProvincialAccount.objects.get(tax_code=HOIAN_TAX_CODE)


def masked(number: str) -> str:
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


# The switch ----------------------------------------------------------------------------------


def test_the_switch_follows_the_setting_until_set_at_run_time():
    assert services.organisation_legacy_login_allowed() is True
    with override_settings(PROVINCIAL_PORTAL={"ORGANISATION_LEGACY_LOGIN": False}):
        assert services.organisation_legacy_login_allowed() is False
    services.set_organisation_legacy_login(False, changed_by="trainer")
    assert services.organisation_legacy_login_allowed() is False
    assert OrganisationLoginSwitch.objects.get().changed_by == "trainer"
    services.set_organisation_legacy_login(True)
    assert services.organisation_legacy_login_allowed() is True
    services.clear_organisation_legacy_login()
    assert not OrganisationLoginSwitch.objects.exists()
    assert services.organisation_legacy_login_allowed() is True


# Legacy organisation login -------------------------------------------------------------------


def test_home_shows_organisations_a_way_in(client):
    html = client.get(HOME).content.decode()
    assert "Dành cho tổ chức, doanh nghiệp" in html
    assert f'href="{ORGANISATION_LOGIN}"' in html


def test_the_login_page_asks_tax_code_password_and_captcha(client):
    response = client.get(ORGANISATION_LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tài khoản tổ chức do tỉnh cấp" in html
    assert 'name="tax_code"' in html and 'name="password"' in html
    assert 'name="captcha_1"' in html and "/captcha/image/" in html
    assert "đến hết ngày 30/6/2025" in html


def test_a_legacy_organisation_logs_in_and_sees_its_information_and_dossiers(client, hoian):
    response = organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)

    assert response.status_code == 302 and response["Location"] == ORGANISATION
    assert has_provincial_cookie(client)
    session = ProvincialSession.objects.get()
    assert session.account == hoian_account() and session.sid == "" and session.id_token == ""
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.LEGACY_ORG_LOGIN, account=hoian_account()
    ).exists()
    page = client.get(ORGANISATION).content.decode()
    assert "Thông tin tổ chức" in page and "Công ty TNHH Hội An Xanh" in page
    assert "Công ty TNHH một thành viên" in page
    assert masked(HOIAN_TAX_CODE) in page and HOIAN_TAX_CODE not in page
    assert "Bằng mã số thuế và mật khẩu do Cổng DVC tỉnh cấp" in page
    assert client.get(ACCOUNT)["Location"] == ORGANISATION
    dossiers = client.get(DOSSIERS).content.decode()
    assert "Hồ sơ của tổ chức" in dossiers
    for dossier in HOIAN_SEED.dossiers:
        assert dossier.code in dossiers


def test_the_tax_code_may_be_typed_with_spaces_and_dots(client, hoian):
    response = organisation_login(client, "4001.234.569 ", ORGANISATION_PASSWORD)
    assert response.status_code == 302


def test_logout_of_a_legacy_organisation_login_does_not_visit_the_service(client, hoian):
    organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == HOME
    assert ProvincialSession.objects.get().ended_at is not None


def test_a_wrong_password_is_refused_and_counted(client, hoian):
    response = organisation_login(client, HOIAN_TAX_CODE, "wrong-password")

    assert response.status_code == 400
    assert WrongCredentials.message in response.content.decode()
    assert not has_provincial_cookie(client)
    assert PasswordFailure.objects.filter(account=hoian_account()).count() == 1
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.LEGACY_ORG_REFUSED, account=hoian_account()
    ).exists()


def test_an_unknown_tax_code_gets_the_same_answer_as_a_wrong_password(client, hoian):
    response = organisation_login(client, DIENBAN_TAX_CODE, ORGANISATION_PASSWORD)
    assert response.status_code == 400
    assert WrongCredentials.message in response.content.decode()


def test_a_wrong_check_digit_is_refused_before_any_password_is_tried(client, hoian):
    response = organisation_login(client, HOIAN_WRONG_CHECK_DIGIT, ORGANISATION_PASSWORD)

    html = response.content.decode()
    assert response.status_code == 400
    assert "chữ số kiểm tra (chữ số thứ 10) không đúng" in html
    assert not PasswordFailure.objects.exists()
    assert not ProvincialSession.objects.exists()


def test_a_wrong_captcha_is_refused_before_any_password_is_tried(client, hoian):
    key = CaptchaStore.generate_key()
    response = client.post(
        ORGANISATION_LOGIN,
        {
            "tax_code": HOIAN_TAX_CODE,
            "password": ORGANISATION_PASSWORD,
            "captcha_0": key,
            "captcha_1": "wrong",
        },
    )
    assert response.status_code == 400
    assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
    assert not PasswordFailure.objects.exists()
    assert not CaptchaStore.objects.filter(hashkey=key).exists()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, hoian):
    for _ in range(5):
        organisation_login(client, HOIAN_TAX_CODE, "wrong-password")

    response = organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)

    assert response.status_code == 429
    assert AccountLocked.message in response.content.decode()
    assert not ProvincialSession.objects.exists()


def test_a_locked_organisation_account_is_refused(client, hoian):
    ProvincialAccount.objects.filter(tax_code=HOIAN_TAX_CODE).update(is_active=False)
    response = organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)
    assert response.status_code == 403
    assert "đã bị khoá" in response.content.decode()


def test_after_the_cut_off_the_page_explains_and_leads_to_vneid(client, hoian):
    services.set_organisation_legacy_login(False)

    response = client.get(ORGANISATION_LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Từ 01/7/2025" in html and "VNeID" in html
    assert 'name="password"' not in html
    assert 'href="/quang-nam/dang-nhap/"' in html


def test_after_the_cut_off_a_forged_post_is_refused_server_side(client, hoian):
    services.set_organisation_legacy_login(False)

    response = organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)

    assert response.status_code == 403
    assert LegacyLoginClosed.message in response.content.decode()
    assert not has_provincial_cookie(client)
    assert not ProvincialSession.objects.exists()
    assert not PasswordFailure.objects.exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LEGACY_ORG_REFUSED)
    assert event.account == hoian_account()


def test_after_the_cut_off_an_open_legacy_session_stays_but_no_new_one_starts(client, hoian):
    # The switch refuses new logins; it is not a logout of sessions opened before it.
    organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)
    services.set_organisation_legacy_login(False)
    other = client.__class__()
    assert organisation_login(other, HOIAN_TAX_CODE, ORGANISATION_PASSWORD).status_code == 403


def test_a_citizen_cannot_inherit_an_organisation_account_with_its_tax_code(
    client, national, hoian
):
    # Hoa has no provincial account: she is offered the CMND inheritance form.
    assert log_in(client, national, "hoa")["Location"] == INHERIT
    response = client.post(
        INHERIT,
        {"action": "link", "username": HOIAN_TAX_CODE, "password": ORGANISATION_PASSWORD},
    )
    assert response.status_code == 400
    assert hoian_account().national_sub == ""


# VNeID organisation logins --------------------------------------------------------------------


def test_a_legal_representative_takes_over_the_legacy_account_audited(client, national, hoian):
    response = log_in(client, national, "hoian_quang")

    assert response.status_code == 302 and response["Location"] == ORGANISATION
    account = hoian_account()
    assert account.national_sub == PEOPLE["hoian_quang"]["sub"]
    assert account.inherited_at is not None
    assert account.inherited_by_number == masked(QUANG_CCCD)
    assert account.account_type == ProvincialAccount.AccountType.ORGANISATION
    assert account.cccd_number == "" and account.birth_date is None
    assert ProvincialAccount.objects.count() == 1
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORGANISATION_TAKEOVER)
    assert event.account == account
    assert masked(QUANG_CCCD) in event.detail and QUANG_CCCD not in event.detail
    assert "người đại diện theo pháp luật" in event.detail
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ORGANISATION_LOGIN).count() == 1
    page = client.get(ORGANISATION).content.decode()
    assert "đã được kế thừa" in page
    assert "Đặng Văn Quang" in page and masked(QUANG_CCCD) in page
    # The e-ID completes what the province never recorded.
    assert account.foreign_name == "HOI AN GREEN COMPANY LIMITED"
    assert account.representative_number == QUANG_CCCD
    dossiers = client.get(DOSSIERS).content.decode()
    assert all(dossier.code in dossiers for dossier in HOIAN_SEED.dossiers)


def test_the_next_login_of_the_organisation_logs_in_without_a_second_takeover(
    client, national, hoian
):
    log_in(client, national, "hoian_quang")
    client.post(LOGOUT)
    response = log_in(client, national, "hoian_mai")

    assert response.status_code == 302
    assert ProvincialSession.objects.filter(ended_at__isnull=True).get().account == hoian_account()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ORGANISATION_TAKEOVER).count() == 1
    assert hoian_account().inherited_by_number == masked(QUANG_CCCD)


def test_after_the_takeover_the_legacy_password_no_longer_opens_it(client, national, hoian):
    log_in(client, national, "hoian_quang")
    response = organisation_login(client.__class__(), HOIAN_TAX_CODE, ORGANISATION_PASSWORD)
    assert response.status_code == 403
    assert "đã được kế thừa bởi tài khoản định danh điện tử của tổ chức" in (
        response.content.decode()
    )


def test_a_person_authorised_with_full_scope_takes_over(client, national, hoian):
    response = log_in(client, national, "hoian_thanh")

    assert response.status_code == 302
    assert hoian_account().inherited_by_number == masked(THANH_CCCD)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORGANISATION_TAKEOVER)
    assert "người được ủy quyền (toàn quyền)" in event.detail


def test_a_person_authorised_for_dossiers_only_is_refused_and_nothing_changes(
    client, national, hoian
):
    response = log_in(client, national, "hoian_mai")

    html = response.content.decode()
    assert response.status_code == 403
    assert "chỉ người đại diện theo pháp luật hoặc người được ủy quyền toàn quyền" in html
    assert "tài khoản không thay đổi" in html
    account = hoian_account()
    assert account.national_sub == "" and account.inherited_at is None
    assert account.inherited_by_number == ""
    assert ProvincialAccount.objects.count() == 1
    assert not ProvincialSession.objects.exists()
    assert not has_provincial_cookie(client)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TAKEOVER_REFUSED)
    assert event.account == account and masked(MAI_CCCD) in event.detail
    # The legacy login still works: the refusal took nothing away.
    assert organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD).status_code == 302


def test_an_organisation_without_a_legacy_account_gets_a_new_one(client, national, hoian):
    response = log_in(client, national, "dienban_mai")

    assert response.status_code == 302 and response["Location"] == ORGANISATION
    account = ProvincialAccount.objects.get(tax_code=DIENBAN_TAX_CODE)
    assert account.origin == ProvincialAccount.Origin.VNEID
    assert account.account_type == ProvincialAccount.AccountType.ORGANISATION
    assert account.full_name == "Công ty TNHH Cơ khí Điện Bàn"
    assert account.national_sub == PEOPLE["dienban_mai"]["sub"]
    assert not is_password_usable(account.password)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_CREATED, account=account).exists()
    page = client.get(ORGANISATION).content.decode()
    assert "Cổng DVC tỉnh đã tạo tài khoản mới cho tổ chức" in page
    assert "Trịnh Thị Mai" in page and "nộp và theo dõi hồ sơ" in page
    assert ProvincialDossier.objects.filter(account=account).count() == 0


def test_an_organisation_login_never_inherits_a_citizens_account(client, national, personas):
    # Even if the answer carried a SoDinhDanh, an organisation login is not the person's.
    info = userinfo("dienban_mai", SoDinhDanh=PEOPLE["an"]["SoDinhDanh"], NgayThangNamSinh=None)
    response = log_in(client, national, "dienban_mai", info=info)

    assert response.status_code == 302
    an = ProvincialAccount.objects.get(cccd_number=PEOPLE["an"]["SoDinhDanh"])
    assert an.national_sub == "" and an.account_type == "citizen"
    new = ProvincialAccount.objects.get(tax_code=DIENBAN_TAX_CODE)
    assert new.cccd_number == "" and new.account_type == "organisation"
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.INHERITED).exists()


def test_a_citizen_login_is_unchanged_by_organisations(client, national, personas, hoian):
    response = log_in(client, national, "an")
    assert response["Location"] == ACCOUNT
    an = ProvincialAccount.objects.get(cccd_number=PEOPLE["an"]["SoDinhDanh"])
    assert an.account_type == "citizen" and an.national_sub == PEOPLE["an"]["sub"]
    assert hoian_account().national_sub == ""


@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"act": None}, "no act"),
        ({"act": {"sub": "12345"}}, "act.sub not 12 digits"),
        ({"VaiTro": "KeToan"}, "unknown role"),
        ({"PhamViUyQuyen": None}, "authorised without scope"),
        ({"MaSoThue": HOIAN_WRONG_CHECK_DIGIT}, "tax code with a wrong check digit"),
        ({"NgayThanhLap": "2018-03-12"}, "date not yyyymmdd"),
    ],
)
def test_an_organisation_answer_off_the_contract_is_the_systems_fault(
    client, national, hoian, override, why
):
    info = userinfo("hoian_thanh", **override)
    response = log_in(client, national, "hoian_thanh", info=info)

    assert response.status_code == 503, why
    assert hoian_account().national_sub == ""
    assert not ProvincialSession.objects.exists()


def test_the_callback_of_an_organisation_login_is_consumed_once(client, national, hoian):
    response = log_in(client, national, "hoian_quang")
    assert response.status_code == 302
    replay = client.get(CALLBACK, {"code": "code-1", "state": "again"})
    assert replay.status_code == 400


# Services for the sandbox ---------------------------------------------------------------------


def test_seeding_resets_a_taken_over_account_and_removes_a_vneid_one(client, national, hoian):
    log_in(client, national, "hoian_quang")
    log_in(client, national, "dienban_mai")
    summaries = services.organisation_account_summaries([HOIAN_TAX_CODE, DIENBAN_TAX_CODE])
    assert summaries[HOIAN_TAX_CODE].inherited
    assert summaries[HOIAN_TAX_CODE].inherited_by_number == masked(QUANG_CCCD)
    assert summaries[HOIAN_TAX_CODE].dossier_count == 2
    assert summaries[DIENBAN_TAX_CODE].created_by_vneid

    assert services.tax_codes_in_use([HOIAN_TAX_CODE, DIENBAN_TAX_CODE, "0100109106"]) == {
        HOIAN_TAX_CODE,
        DIENBAN_TAX_CODE,
    }
    services.seed_organisation_accounts([HOIAN_SEED])

    account = hoian_account()
    assert account.national_sub == "" and account.inherited_by_number == ""
    assert account.dossiers.count() == 2
    assert services.delete_by_tax_codes([HOIAN_TAX_CODE, DIENBAN_TAX_CODE]) == 2
    assert not ProvincialAccount.objects.filter(account_type="organisation").exists()
    assert services.organisation_account_summaries([HOIAN_TAX_CODE]) == {}


def test_seeding_refuses_a_tax_code_with_a_wrong_check_digit(db):
    from dataclasses import replace

    with pytest.raises(ValueError, match="chữ số kiểm tra"):
        services.seed_organisation_accounts([replace(HOIAN_SEED, tax_code=HOIAN_WRONG_CHECK_DIGIT)])


def test_the_tax_code_is_masked_in_the_accounts_str(hoian):
    text = str(hoian_account())
    assert HOIAN_TAX_CODE not in text and masked(HOIAN_TAX_CODE) in text


def test_a_new_e_id_of_the_same_organisation_is_followed_by_a_representative(
    client, national, hoian
):
    # The e-ID was registered again (a new sub at the service): the account follows it.
    ProvincialAccount.objects.filter(tax_code=HOIAN_TAX_CODE).update(national_sub="old-org-sub")
    response = log_in(client, national, "hoian_quang")

    assert response.status_code == 302
    assert hoian_account().national_sub == PEOPLE["hoian_quang"]["sub"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORGANISATION_TAKEOVER)
    assert "sub mới" in event.detail


def test_a_new_e_id_is_not_followed_for_a_dossiers_only_authorisation(client, national, hoian):
    ProvincialAccount.objects.filter(tax_code=HOIAN_TAX_CODE).update(national_sub="old-org-sub")
    response = log_in(client, national, "hoian_mai")

    assert response.status_code == 403
    assert hoian_account().national_sub == "old-org-sub"


def test_twenty_wrong_passwords_from_one_address_lock_the_address(client, hoian):
    for _ in range(20):
        PasswordFailure.objects.create(account=None, address="127.0.0.1")

    response = organisation_login(client, HOIAN_TAX_CODE, ORGANISATION_PASSWORD)

    assert response.status_code == 429
    assert "quá nhiều lần nhập sai mật khẩu từ địa chỉ mạng này" in response.content.decode()


def test_a_second_tab_creating_the_same_organisation_gets_the_same_account(db):
    from provincial_portal import organisations
    from provincial_portal.national_login import organisation_attributes_from

    info = userinfo("dienban_mai")
    attributes = organisation_attributes_from(info, {"sub": info["sub"], "sid": "s"})
    first = organisations._create(attributes)
    # The lookup by sub missed it (a parallel request): the unique constraint decides.
    second = organisations._create(attributes)
    assert first.pk == second.pk
    assert ProvincialAccount.objects.filter(tax_code=DIENBAN_TAX_CODE).count() == 1
    other = organisation_attributes_from({**info, "sub": "other-sub"}, {"sub": "other-sub"})
    with pytest.raises(organisations.AlreadyTakenOver):
        organisations._create(other)
