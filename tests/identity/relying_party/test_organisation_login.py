"""VNeID as the organisation: the start, the claims, the takeover rule and its audit."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts import login_policy
from accounts.models import AuditEntry, OrganisationProfile, User
from identity.relying_party.models import VneidSession
from oidc_kit.logout_token import build_logout_token
from tests.accounts.factories import DossierFactory, OrganisationFactory

from .conftest import (
    AUTHORIZE_URL,
    CALLBACK_PATH,
    CLIENT_ID,
    ISSUER,
    USERINFO_URL,
    is_logged_in,
    log_in_with_vneid,
    nga_claims,
    sign,
)

ORGANISATION_START_URL = "/dang-nhap/vneid/to-chuc/"
ORG_SUB = "vneid-org-3b9c"
# Đặng Văn Quang, the representative; Trịnh Thị Mai, an accountant authorised by the company.
QUANG = "049085001234"
MAI = "049190004567"

pytestmark = pytest.mark.django_db


def start_organisation(client, next_url="/ho-so/"):
    response = client.get(ORGANISATION_START_URL, {"next": next_url})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def organisation_claims(nonce, tax_code, *, acting=QUANG, role="legal_representative", **extra):
    """Return an organisation login's ID token claims (brief §6); None values are left out."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": ORG_SUB,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 3600,
        "auth_time": now,
        "nonce": nonce,
        "acr": "vneid:level2",
        "act": {"sub": acting},
        "account_type": "organisation",
        "name": "Công ty TNHH Hội An Xanh",
        "organisation_role": role,
        "organisation_eid": "TC0000123456",
        "organisation_id_number": "OG4901234567",
        "organisation_name": "Công ty TNHH Hội An Xanh",
        "organisation_short_name": "HOI AN XANH CO., LTD",
        "organisation_foreign_name": "HOI AN GREEN COMPANY LIMITED",
        "organisation_kind": "llc_single",
        "establishment_date": "2015-03-02",
        "head_office_address": "12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam",
        "tax_code": tax_code,
        "enterprise_code": tax_code,
        "legal_representative_name": "Đặng Văn Quang",
        "legal_representative_id_number": QUANG,
        **extra,
    }
    return {name: value for name, value in claims.items() if value is not None}


def log_in_as_organisation(client, vneid, tax_code, **claims):
    request = start_organisation(client)
    vneid.answer_token(sign(organisation_claims(request["nonce"], tax_code, **claims), vneid.key))
    return client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})


@pytest.fixture
def hoian():
    account = OrganisationFactory()
    DossierFactory(owner=account, procedure_name="Đăng ký thay đổi nội dung doanh nghiệp")
    return account


def test_the_organisation_button_asks_for_the_organisation_scope_and_the_chooser(client, vneid):
    request = start_organisation(client)

    assert request["scope"].split() == ["openid", "profile", "vneid_identity", "vneid_organisation"]
    assert request["prompt"] == "select_account"
    # The citizens' button is unchanged.
    plain = client.get("/dang-nhap/vneid/")
    assert "vneid_organisation" not in plain["Location"]
    assert "prompt=" not in plain["Location"]


def test_a_representative_inherits_the_legacy_account_with_its_dossiers(client, vneid, hoian):
    response = log_in_as_organisation(client, vneid, hoian.username)

    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(hoian.pk)
    profile = OrganisationProfile.objects.get(account=hoian)
    assert profile.vneid_sub == ORG_SUB
    assert profile.inherited_at is not None
    assert profile.inherited_by_number == QUANG
    takeover = AuditEntry.objects.get(account=hoian, action="organisation_takeover")
    assert "Người đại diện theo pháp luật, số định danh 0490******34" in takeover.reason
    assert QUANG not in takeover.reason
    assert takeover.changes["vneid_sub"] == ["", ORG_SUB]
    login = AuditEntry.objects.get(account=hoian, action="organisation_vneid_login")
    assert "0490******34" in login.reason
    assert "mức 2" in login.reason
    page = client.get("/ho-so/").content.decode()
    assert "Đăng ký thay đổi nội dung doanh nghiệp" in page
    assert "Công ty TNHH Hội An Xanh</button>" in page
    info = client.get("/tai-khoan/thong-tin-to-chuc/").content.decode()
    assert "Người đang đăng nhập thay mặt tổ chức: Người đại diện theo pháp luật" in info
    history = info.split('data-testid="audit-entries"', 1)[1]
    assert "Kế thừa tài khoản tổ chức" in history
    assert "0490******34" in history
    assert QUANG not in info


def test_an_authorised_person_with_full_scope_inherits_it(client, vneid, hoian):
    response = log_in_as_organisation(
        client,
        vneid,
        hoian.username,
        acting=MAI,
        role="authorised_person",
        authorisation_scope="full",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(hoian.pk)
    profile = OrganisationProfile.objects.get(account=hoian)
    assert (profile.vneid_sub, profile.inherited_by_number) == (ORG_SUB, MAI)
    takeover = AuditEntry.objects.get(account=hoian, action="organisation_takeover")
    assert "Người được ủy quyền (toàn quyền), số định danh 0491******67" in takeover.reason


def test_a_dossiers_authorised_person_cannot_take_over_the_legacy_account(client, vneid, hoian):
    response = log_in_as_organisation(
        client,
        vneid,
        hoian.username,
        acting=MAI,
        role="authorised_person",
        authorisation_scope="dossiers",
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-kind="takeover_refused"' in page
    assert "Chỉ người đại diện theo pháp luật của tổ chức" in page
    assert 'data-testid="takeover-who"' in page
    assert "?tab=to-chuc" in page
    assert not is_logged_in(client)
    profile = OrganisationProfile.objects.get(account=hoian)
    assert (profile.vneid_sub, profile.inherited_at, profile.inherited_by_number) == ("", None, "")
    refused = AuditEntry.objects.get(account=hoian)
    assert refused.action == "organisation_takeover_refused"
    assert refused.actor is None
    assert "nộp và theo dõi hồ sơ dịch vụ công" in refused.reason
    assert "0491******67" in refused.reason
    assert MAI not in refused.reason


def test_once_inherited_a_dossiers_authorised_person_logs_in(client, vneid, hoian):
    log_in_as_organisation(client, vneid, hoian.username)
    client.logout()

    response = log_in_as_organisation(
        client,
        vneid,
        hoian.username,
        acting=MAI,
        role="authorised_person",
        authorisation_scope="dossiers",
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(hoian.pk)
    logins = AuditEntry.objects.filter(account=hoian, action="organisation_vneid_login")
    assert [("0491******67" in entry.reason) for entry in logins.order_by("pk")] == [False, True]
    # The takeover is not repeated and still names its representative.
    assert OrganisationProfile.objects.get(account=hoian).inherited_by_number == QUANG


def test_without_a_legacy_account_a_new_organisation_account_is_made(client, vneid):
    response = log_in_as_organisation(client, vneid, "0401234566")

    assert response.status_code == 302
    account = User.objects.get(username="0401234566")
    assert account.account_type == "organisation"
    assert not account.has_usable_password()
    profile = account.organisation
    assert (profile.name, profile.kind, profile.vneid_sub) == (
        "Công ty TNHH Hội An Xanh",
        "llc_single",
        ORG_SUB,
    )
    assert profile.established_on.isoformat() == "2015-03-02"
    assert profile.inherited_at is None
    actions = set(AuditEntry.objects.filter(account=account).values_list("action", flat=True))
    assert actions == {"organisation_account_created", "organisation_vneid_login"}
    # A second login finds it by the e-ID's sub: still one account.
    client.logout()
    log_in_as_organisation(client, vneid, "0401234566")
    assert User.objects.filter(account_type="organisation").count() == 1


def test_a_legacy_account_inherited_by_another_e_id_is_not_taken(client, vneid, hoian):
    OrganisationProfile.objects.filter(account=hoian).update(vneid_sub="another-org-e-id")

    response = log_in_as_organisation(client, vneid, hoian.username)

    assert response.status_code == 409
    assert not is_logged_in(client)
    assert OrganisationProfile.objects.get(account=hoian).vneid_sub == "another-org-e-id"
    assert AuditEntry.objects.get(account=hoian).action == "organisation_takeover_refused"


def test_a_locked_organisation_account_is_refused(client, vneid):
    locked = OrganisationFactory(locked=True)

    response = log_in_as_organisation(client, vneid, locked.username)

    assert response.status_code == 403
    assert not is_logged_in(client)
    assert OrganisationProfile.objects.get(account=locked).vneid_sub == ""


def test_choosing_the_personal_account_at_vneid_is_a_citizens_login(client, vneid, nga_linked):
    request = start_organisation(client)
    vneid.answer_token(sign(nga_claims(nonce=request["nonce"], account_type="citizen"), vneid.key))
    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(nga_linked.pk)


def test_the_organisation_vneid_login_works_under_vneid_only_all(client, vneid, hoian):
    login_policy.set_policy(policy="vneid_only_all", changed_by="test")

    response = log_in_as_organisation(client, vneid, hoian.username)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(hoian.pk)


def test_organisation_claims_only_at_userinfo_are_fetched(client, vneid, hoian):
    request = start_organisation(client)
    full = organisation_claims(request["nonce"], hoian.username)
    small = {
        name: full[name]
        for name in ("iss", "sub", "aud", "iat", "exp", "auth_time", "nonce", "acr", "act")
    }
    small["account_type"] = "organisation"
    vneid.answer_token(sign(small, vneid.key))
    vneid.mock.get(USERINFO_URL, json={k: v for k, v in full.items() if k not in ("aud", "iss")})

    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})

    assert response.status_code == 302
    assert OrganisationProfile.objects.get(account=hoian).vneid_sub == ORG_SUB


@pytest.mark.parametrize(
    "broken",
    [
        {"act": None},
        {"act": {"sub": "12"}},
        {"organisation_role": "friend"},
        {"tax_code": "0401234567"},
    ],
)
def test_broken_organisation_claims_are_a_provider_error(client, vneid, hoian, broken):
    claims = dict(broken)
    tax_code = claims.pop("tax_code", hoian.username)

    response = log_in_as_organisation(client, vneid, tax_code, **claims)

    assert response.status_code in (400, 502)
    assert not is_logged_in(client)
    assert OrganisationProfile.objects.get(account=hoian).vneid_sub == ""


def test_a_citizen_vneid_login_still_works(client, vneid, nga_linked):
    response = log_in_with_vneid(client, vneid)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(nga_linked.pk)


def test_vneid_ending_the_organisation_login_ends_the_portal_session(client, vneid, hoian):
    log_in_as_organisation(client, vneid, hoian.username, sid="vneid-login-of-quang")
    row = VneidSession.objects.get()
    assert (row.sub, row.account) == (ORG_SUB, hoian)
    # VNeID names the subject the portal knows: the organisation (h17-oidc's logout tokens).
    token = build_logout_token(
        issuer=ISSUER,
        audience=CLIENT_ID,
        sub=ORG_SUB,
        sid="vneid-login-of-quang",
        private_key=vneid.key,
        kid=vneid.key.kid,
    )

    response = Client().post("/dang-nhap/vneid/backchannel-logout/", {"logout_token": token})

    assert response.status_code == 200
    assert not is_logged_in(client)
    assert AuditEntry.objects.filter(account=hoian, action="vneid_single_logout").exists()
