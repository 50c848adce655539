"""Organisations on the national portal: the "Tổ chức" tab, the cut-off and their own pages."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts import login_policy
from accounts.models import AuditEntry, User
from idnumbers.tax_codes import CHECK_DIGIT_MESSAGE

from .factories import (
    ORGANISATION_PASSWORD,
    PASSWORD,
    DossierFactory,
    OrganisationFactory,
    UserFactory,
)

LOGIN_URL = "/dang-nhap/"
ORGANISATION_LOGIN_URL = "/dang-nhap/to-chuc/"
ORGANISATION_PAGE_URL = "/tai-khoan/thong-tin-to-chuc/"

pytestmark = pytest.mark.django_db


def org_login(tax_code, password=ORGANISATION_PASSWORD, captcha="PASSED", **extra):
    """Return the Tổ chức tab's POST; CAPTCHA_TEST_MODE accepts the answer PASSED."""
    return {
        "org-tax_code": tax_code,
        "org-password": password,
        "org-captcha_0": "any-key",
        "org-captcha_1": captcha,
        **extra,
    }


def citizen_login(username, password):
    return {
        "username": username,
        "password": password,
        "captcha_0": "any-key",
        "captcha_1": "PASSED",
    }


@pytest.fixture
def hoian():
    return OrganisationFactory()


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_has_a_tax_code_tab_beside_the_citizens_tabs(client):
    page = client.get(LOGIN_URL).content.decode()

    for text in (
        ">CMT/CCCD</button>",
        ">USB ký số</button>",
        ">Sim ký số</button>",
        'data-testid="tab-organisation"',
        ">Tổ chức</button>",
        'action="/dang-nhap/to-chuc/"',
        'name="org-tax_code"',
        ">Mã số thuế</label>",
        'name="org-password"',
        'name="org-captcha_1"',
        'href="/dang-nhap/vneid/to-chuc/"',
        "Đăng nhập bằng VNeID (tổ chức)",
    ):
        assert text in page, text
    # The citizen's form is still the active tab; ?tab=to-chuc opens the organisation's.
    assert 'id="tab-password" data-bs-toggle="tab"' in page
    opened = client.get(LOGIN_URL, {"tab": "to-chuc"}).content.decode()
    assert 'class="nav-link active" id="tab-organisation"' in opened


def test_an_organisation_logs_in_with_tax_code_and_password(client, hoian):
    response = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username, next="/ho-so/"))

    assert response.status_code == 302
    # Never the CCCD screen: an organisation has no CCCD.
    assert response["Location"] == "/ho-so/"
    assert logged_in_as(client) == str(hoian.pk)
    entry = AuditEntry.objects.get(account=hoian)
    assert entry.action == AuditEntry.Action.ORGANISATION_PASSWORD_LOGIN
    # Spaces and dots typed between digit groups are fine.
    client.logout()
    spaced = f"{hoian.username[:4]} {hoian.username[4:7]}.{hoian.username[7:]}"
    assert client.post(ORGANISATION_LOGIN_URL, org_login(spaced)).status_code == 302


def test_a_wrong_password_is_refused_and_audited(client, hoian):
    response = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username, password="sai"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã số thuế hoặc mật khẩu không đúng" in page
    # The page comes back on the Tổ chức tab, with the typed tax code kept.
    assert 'class="nav-link active" id="tab-organisation"' in page
    assert f'value="{hoian.username}"' in page
    assert logged_in_as(client) is None
    assert AuditEntry.objects.get(account=hoian).action == AuditEntry.Action.LOGIN_FAILED


def test_a_wrong_check_digit_has_its_own_message_and_tries_no_password(client, hoian):
    wrong = hoian.username[:9] + str((int(hoian.username[9]) + 1) % 10)

    response = client.post(ORGANISATION_LOGIN_URL, org_login(wrong))

    page = response.content.decode()
    assert response.status_code == 200
    assert CHECK_DIGIT_MESSAGE in page
    assert 'data-testid="error-tax_code"' in page
    assert "Mã số thuế hoặc mật khẩu không đúng" not in page
    assert not AccessAttempt.objects.exists()


def test_five_failures_lock_this_organisation_only(client, hoian):
    other = OrganisationFactory()
    statuses = [
        client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username, password="sai")).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    locked = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username))

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tài khoản tổ chức này đã bị đăng nhập sai quá 5 lần" in page
    assert 'class="nav-link active" id="tab-organisation"' in page
    assert logged_in_as(client) is None
    # Counted by the tax code: another organisation from the same address still logs in.
    assert client.post(ORGANISATION_LOGIN_URL, org_login(other.username)).status_code == 302
    assert logged_in_as(client) == str(other.pk)


def test_a_locked_organisation_account_says_so(client):
    locked = OrganisationFactory(locked=True)

    page = client.post(ORGANISATION_LOGIN_URL, org_login(locked.username)).content.decode()

    assert "Tài khoản của tổ chức đã bị khoá" in page
    assert logged_in_as(client) is None


def test_the_citizen_form_never_logs_an_organisation_in_nor_the_reverse(client, hoian):
    citizen = UserFactory()

    as_citizen = client.post(LOGIN_URL, citizen_login(hoian.username, ORGANISATION_PASSWORD))
    as_organisation = client.post(ORGANISATION_LOGIN_URL, org_login(citizen.username, PASSWORD))

    assert as_citizen.status_code == 200
    assert as_organisation.status_code == 200
    assert "Mã số thuế gồm 10 chữ số" in as_organisation.content.decode()
    assert logged_in_as(client) is None
    # And below the forms: each backend finds only its own kind of account.
    request = RequestFactory().post("/")
    assert authenticate(request, username=hoian.username, password=ORGANISATION_PASSWORD) is None
    assert (
        authenticate(
            request, username=citizen.username, password=PASSWORD, account_type="organisation"
        )
        is None
    )
    assert (
        authenticate(
            request,
            username=hoian.username,
            password=ORGANISATION_PASSWORD,
            account_type="organisation",
        )
        == hoian
    )


def test_under_vneid_only_organisations_still_log_in_with_their_tax_code(client, hoian):
    login_policy.set_policy(policy="vneid_only", changed_by="test")

    page = client.get(LOGIN_URL).content.decode()
    response = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username))

    assert 'data-testid="vneid-only-password"' in page
    assert 'data-testid="organisation-login-form"' in page
    assert response.status_code == 302
    assert logged_in_as(client) == str(hoian.pk)


def test_under_vneid_only_all_the_tab_explains_the_cut_off_and_leads_to_vneid(client):
    login_policy.set_policy(policy="vneid_only_all", changed_by="test")

    page = client.get(LOGIN_URL).content.decode()

    assert 'data-testid="vneid-only-organisation"' in page
    assert "Nghị định số 69/2024/NĐ-CP" in page
    assert 'data-testid="organisation-login-form"' not in page
    assert 'href="/dang-nhap/vneid/to-chuc/"' in page
    # The citizens' tabs are exactly as under vneid_only.
    for pane in ("password", "usb", "sim"):
        assert f'data-testid="vneid-only-{pane}"' in page


def test_under_vneid_only_all_a_forged_post_is_refused_server_side(client, hoian):
    login_policy.set_policy(policy="vneid_only_all", changed_by="test")

    response = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username))
    wrong = client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username, password="sai"))

    assert response.status_code == 403
    assert wrong.status_code == 403
    page = response.content.decode()
    assert 'data-testid="organisation-policy-refusal"' in page
    assert "Từ ngày 01/7/2025" in page
    assert "Đăng nhập bằng VNeID (tổ chức)" in page
    assert logged_in_as(client) is None
    # No password checked, no failure counted, nothing audited.
    assert not AccessAttempt.objects.exists()
    assert not AuditEntry.objects.filter(account=hoian).exists()


def test_citizens_are_refused_the_same_way_under_vneid_only_all(client):
    citizen = UserFactory()
    login_policy.set_policy(policy="vneid_only_all", changed_by="test")

    response = client.post(LOGIN_URL, citizen_login(citizen.username, PASSWORD))

    assert response.status_code == 403
    assert 'data-testid="policy-refusal"' in response.content.decode()
    assert logged_in_as(client) is None


def test_the_organisation_page_shows_its_data_and_the_tax_code_in_full(client, hoian):
    client.force_login(hoian)

    response = client.get(ORGANISATION_PAGE_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="h5 mb-0">Thông tin tổ chức</h1>' in page
    for text in (
        "Công ty TNHH Hội An Xanh",
        "HOI AN GREEN COMPANY LIMITED",
        hoian.username,
        "Công ty TNHH một thành viên",
        "02/03/2015",
        "Đặng Văn Quang",
        # The representative's personal number stays masked, even here.
        "0490******34",
    ):
        assert text in page, text
    assert "049085001234" not in page
    assert "chưa kế thừa sang tài khoản định danh điện tử của tổ chức" in page
    # Navigation names the organisation, and its menu has no citizen pages.
    assert 'data-testid="header-user"' in page
    assert "Công ty TNHH Hội An Xanh</button>" in page
    assert 'data-testid="menu-organisation"' in page
    assert "/tai-khoan/thong-tin-dinh-danh/" not in page


def test_an_organisation_never_gets_the_cccd_screens(client, hoian):
    client.force_login(hoian)

    home = client.get("/")
    cccd = client.get("/tai-khoan/cap-nhat-cccd/")
    identity = client.get("/tai-khoan/thong-tin-dinh-danh/")
    refresh = client.post("/tai-khoan/thong-tin-dinh-danh/cap-nhat-tu-csdl/")

    assert home.status_code == 200
    for response in (cccd, identity, refresh):
        assert response.status_code == 302
        assert response["Location"] == ORGANISATION_PAGE_URL
    assert not AuditEntry.objects.filter(account=hoian).exists()


def test_a_citizen_has_no_organisation_page(client):
    citizen = UserFactory(cccd_number="001085004321")
    client.force_login(citizen)

    response = client.get(ORGANISATION_PAGE_URL)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"


def test_the_organisation_sees_its_own_dossiers(client, hoian):
    own = DossierFactory(owner=hoian, procedure_name="Đăng ký thay đổi nội dung doanh nghiệp")
    DossierFactory(procedure_name="Hồ sơ của người khác")
    client.force_login(hoian)

    page = client.get("/ho-so/").content.decode()

    assert "Hồ sơ của tổ chức" in page
    assert own.code in page
    assert "Hồ sơ của người khác" not in page


def test_the_profile_and_the_account_mask_the_tax_code(hoian):
    profile = hoian.organisation

    assert hoian.username not in str(profile)
    assert hoian.username not in str(hoian)
    assert str(profile).startswith("Công ty TNHH Hội An Xanh (")
    assert User.objects.by_tax_code(hoian.username).get() == hoian
    assert not User.objects.by_login_number(hoian.username).exists()


def test_the_home_page_speaks_to_an_organisation_of_its_own_cut_off_not_of_a_cccd(client, hoian):
    login_policy.set_policy(policy="transition")
    client.post(ORGANISATION_LOGIN_URL, org_login(hoian.username))

    page = client.get("/").content.decode()

    assert 'data-testid="policy-organisation-banner"' in page
    assert 'data-testid="home-organisation-steps"' in page
    assert 'data-testid="policy-banner"' not in page
    assert "cập nhật số CCCD" not in page


def test_an_inherited_organisation_account_is_not_told_to_move_to_vneid(client, hoian):
    login_policy.set_policy(policy="transition")
    hoian.organisation.vneid_sub = "e-id-of-hoian"
    hoian.organisation.save(update_fields=["vneid_sub"])
    client.force_login(hoian)

    page = client.get("/").content.decode()

    assert 'data-testid="policy-organisation-banner"' not in page
    assert 'data-testid="policy-banner"' not in page
