"""Organisation logins through the service (Decree 69/2024), with VNeID stubbed over HTTP.

The chooser's third option asks VNeID for `vneid_organisation` with `prompt=select_account`;
VNeID answers `sub` = the organisation and `act` = the person acting; the service keeps the
organisation as a Subject and the person on the login, and releases both to portals.
"""

from datetime import date

import pytest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from identity.national_login import services
from identity.national_login.claims import ActingPerson, claims_for, claims_supported
from identity.national_login.models import (
    AuditEvent,
    AuthorizationCode,
    LoginSession,
    Subject,
    SubjectKind,
)
from tests.identity.relying_party.conftest import NGA_SUB, USERINFO_URL
from tests.personas import NGA_CCCD

from .conftest import (
    AUTHORISED_CCCD,
    CHOOSER_PATH,
    ORG_NAME,
    ORG_SUB,
    ORG_TAX_CODE,
    OTHER_CALLBACK,
    OTHER_ID,
    OTHER_SECRET,
    REPRESENTATIVE_CCCD,
    REPRESENTATIVE_NAME,
    USERINFO_PATH,
    authorize,
    choose_organisation,
    exchange,
    follow_to_portal,
    log_in_as_organisation,
    log_in_through_vneid,
    organisation_claims,
    query_of,
    vneid_answers,
    vneid_request,
)
from .test_backchannel_receiver import RECEIVER, vneid_logout_token

PROFILE_URI = "http://localhost/tai-khoan/"
LOGOUT_URI = "http://localhost/xacthuc/oauth2/logout"


def _id_token_claims(client, id_token):
    keys = KeySet.import_key_set(client.get("/xacthuc/oauth2/jwks").json())
    return jwt.decode(id_token, keys, algorithms=["RS256"]).claims


def _userinfo(client, tokens):
    response = client.get(USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def organisation(db):
    return services.subject_for_organisation(
        services.Organisation(
            idp_subject=ORG_SUB,
            eid_code="TC0401234566001",
            id_number="TC04010000123",
            name=ORG_NAME,
            short_name="HOI AN XANH",
            foreign_name="HOI AN GREEN COMPANY LIMITED",
            kind="llc_single",
            established_on=date(2015, 4, 20),
            head_office_address="12 Trần Phú, Hội An",
            tax_code=ORG_TAX_CODE,
            enterprise_code=ORG_TAX_CODE,
            legal_representative_name=REPRESENTATIVE_NAME,
            legal_representative_id_number=REPRESENTATIVE_CCCD,
            level=2,
        )
    )


REPRESENTATIVE = ActingPerson(
    number=REPRESENTATIVE_CCCD, name=REPRESENTATIVE_NAME, role="legal_representative"
)
ACCOUNTANT = ActingPerson(
    number=AUTHORISED_CCCD, name="Trịnh Thị Mai", role="authorised_person", scope="dossiers"
)


def _claims(subject, profile, acting):
    return claims_for(
        subject,
        profile=profile,
        acr="LoA2",
        profile_uri=PROFILE_URI,
        logout_uri=LOGOUT_URI,
        acting=acting,
    )


# --- The claims of each profile ------------------------------------------------------------


def test_the_dvcqg_profile_of_a_representative(organisation):
    assert _claims(organisation, "dvcqg", REPRESENTATIVE) == {
        "sub": organisation.sub,
        "TechID": organisation.tech_id,
        "LoaiTaiKhoan": "2",
        "HoVaTen": ORG_NAME,
        "act": {"sub": REPRESENTATIVE_CCCD},
        "HoVaTenNguoiThucHien": REPRESENTATIVE_NAME,
        "VaiTro": "NguoiDaiDienTheoPhapLuat",
        "MaDinhDanhToChuc": "TC0401234566001",
        "SoDinhDanhToChuc": "TC04010000123",
        "TenToChuc": ORG_NAME,
        "TenVietTat": "HOI AN XANH",
        "TenNuocNgoai": "HOI AN GREEN COMPANY LIMITED",
        "LoaiHinhToChuc": "llc_single",
        "NgayThanhLap": "20150420",
        "DiaChiTruSo": "12 Trần Phú, Hội An",
        "MaSoThue": ORG_TAX_CODE,
        "MaSoDoanhNghiep": ORG_TAX_CODE,
        "HoVaTenNguoiDaiDien": REPRESENTATIVE_NAME,
        "SoDinhDanhNguoiDaiDien": REPRESENTATIVE_CCCD,
        "loginIdp": "BCA",
        "userProfileUri": PROFILE_URI,
        "logoutUri": LOGOUT_URI,
    }


def test_the_dvcqg_profile_of_an_authorised_person_names_the_scope(organisation):
    claims = _claims(organisation, "dvcqg", ACCOUNTANT)
    assert claims["act"] == {"sub": AUTHORISED_CCCD}
    assert claims["HoVaTenNguoiThucHien"] == "Trịnh Thị Mai"
    assert claims["VaiTro"] == "NguoiDuocUyQuyen"
    assert claims["PhamViUyQuyen"] == "dossiers"
    # The organisation's own attributes do not change with who acts for it.
    assert claims["HoVaTenNguoiDaiDien"] == REPRESENTATIVE_NAME
    assert "SoDinhDanh" not in claims
    assert "NgayThangNamSinh" not in claims


def test_a_representative_never_gets_an_authorisation_scope(organisation):
    odd = ActingPerson(
        number=REPRESENTATIVE_CCCD, name="", role="legal_representative", scope="full"
    )
    assert "PhamViUyQuyen" not in _claims(organisation, "dvcqg", odd)
    assert "authorisation_scope" not in _claims(organisation, "oidc", odd)


def test_the_oidc_profile_uses_vneids_names(organisation):
    assert _claims(organisation, "oidc", ACCOUNTANT) == {
        "sub": organisation.sub,
        "name": ORG_NAME,
        "acr": "LoA2",
        "act": {"sub": AUTHORISED_CCCD},
        "account_type": "organisation",
        "organisation_role": "authorised_person",
        "authorisation_scope": "dossiers",
        "organisation_eid": "TC0401234566001",
        "organisation_id_number": "TC04010000123",
        "organisation_name": ORG_NAME,
        "organisation_short_name": "HOI AN XANH",
        "organisation_foreign_name": "HOI AN GREEN COMPANY LIMITED",
        "organisation_kind": "llc_single",
        "establishment_date": "2015-04-20",
        "head_office_address": "12 Trần Phú, Hội An",
        "tax_code": ORG_TAX_CODE,
        "enterprise_code": ORG_TAX_CODE,
        "legal_representative_name": REPRESENTATIVE_NAME,
        "legal_representative_id_number": REPRESENTATIVE_CCCD,
    }


def test_a_citizens_claims_are_unchanged(db):
    person = services.subject_for(
        services.Person(
            idp="BCA",
            idp_subject="vneid-nga",
            personal_id_number=NGA_CCCD,
            cmnd_number="",
            full_name="Tô Thị Nga",
            birth_date=date(1990, 3, 15),
            level=2,
        )
    )
    claims = _claims(person, "dvcqg", None)
    assert claims["LoaiTaiKhoan"] == "1"
    assert claims["SoDinhDanh"] == NGA_CCCD
    assert "act" not in claims
    assert "account_type" not in _claims(person, "oidc", None)


def test_discovery_lists_every_organisation_claim(client, db):
    supported = client.get("/xacthuc/.well-known/openid-configuration").json()["claims_supported"]
    assert supported == claims_supported()
    for name in (
        "act",
        "HoVaTenNguoiThucHien",
        "VaiTro",
        "PhamViUyQuyen",
        "MaDinhDanhToChuc",
        "SoDinhDanhToChuc",
        "TenToChuc",
        "TenVietTat",
        "TenNuocNgoai",
        "LoaiHinhToChuc",
        "NgayThanhLap",
        "DiaChiTruSo",
        "MaSoThue",
        "MaSoDoanhNghiep",
        "HoVaTenNguoiDaiDien",
        "SoDinhDanhNguoiDaiDien",
        "account_type",
        "organisation_role",
        "authorisation_scope",
        "organisation_eid",
        "organisation_id_number",
        "organisation_name",
        "organisation_short_name",
        "organisation_foreign_name",
        "organisation_kind",
        "establishment_date",
        "head_office_address",
        "tax_code",
        "enterprise_code",
        "legal_representative_name",
        "legal_representative_id_number",
    ):
        assert name in supported, name
    assert len(supported) == len(set(supported))


# --- The chooser's third option and VNeID's answer -----------------------------------------


def test_the_chooser_offers_the_organisation_option(client, vneid, portal):
    request = vneid_request(authorize(client))
    response = client.get(
        "/xacthuc/vneid/callback",
        {"error": "login_required", "state": request["state"], "iss": "http://vneid.test/vneid"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)" in page
    assert 'value="organisation"' in page


def test_the_organisation_option_asks_vneid_for_the_organisation_and_the_account_choice(
    client, vneid, portal
):
    request = choose_organisation(client, vneid)
    assert request["scope"] == "openid profile vneid_identity vneid_organisation"
    assert request["prompt"] == "select_account"
    assert request["client_id"] == "xacthuc-test"


def test_prompt_login_asks_vneid_for_a_fresh_login_and_the_account_choice(client, vneid, portal):
    response = authorize(client, prompt="login")
    key = query_of(response["Location"])["sessionDataKey"]
    chosen = client.post(CHOOSER_PATH, {"sessionDataKey": key, "method": "organisation"})
    assert vneid_request(chosen)["prompt"] == "login select_account"


def test_a_representative_logs_in_as_the_organisation(client, vneid, portal):
    answer = log_in_as_organisation(client, vneid)
    tokens = exchange(client, answer["code"]).json()
    subject = Subject.objects.get()
    assert subject.kind == SubjectKind.ORGANISATION
    assert subject.idp_subject == ORG_SUB
    assert subject.personal_id_number == ""
    login = LoginSession.objects.get()
    assert (login.act_number, login.act_name, login.organisation_role) == (
        REPRESENTATIVE_CCCD,
        REPRESENTATIVE_NAME,
        "legal_representative",
    )
    assert login.acr == "LoA2"
    id_token = _id_token_claims(client, tokens["id_token"])
    assert id_token["sub"] == subject.sub
    assert id_token["act"] == {"sub": REPRESENTATIVE_CCCD}
    assert id_token["acr"] == "LoA2"
    info = _userinfo(client, tokens)
    assert info["sub"] == subject.sub
    assert info["LoaiTaiKhoan"] == "2"
    assert info["HoVaTen"] == ORG_NAME
    assert info["act"] == {"sub": REPRESENTATIVE_CCCD}
    assert info["VaiTro"] == "NguoiDaiDienTheoPhapLuat"
    assert info["MaSoThue"] == ORG_TAX_CODE
    assert info["NgayThanhLap"] == "20150420"
    assert "SoDinhDanh" not in info
    assert "NgayThangNamSinh" not in info
    # The audit trail names the person acting, masked.
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_SUCCEEDED)
    assert REPRESENTATIVE_CCCD not in event.detail
    assert event.subject == subject


def test_the_organisation_login_serves_the_next_portal_without_vneid(
    client, vneid, portal, other_portal
):
    log_in_as_organisation(client, vneid)
    response = authorize(
        client,
        client_id=OTHER_ID,
        redirect_uri=OTHER_CALLBACK,
        state="other",
        nonce="other-nonce",
    )
    # No VNeID request: the service's own organisation login answers.
    location = follow_to_portal(client, response)
    assert location.startswith(OTHER_CALLBACK)
    tokens = exchange(
        client,
        query_of(location)["code"],
        client_id=OTHER_ID,
        secret=OTHER_SECRET,
        redirect_uri=OTHER_CALLBACK,
    ).json()
    assert _id_token_claims(client, tokens["id_token"])["act"] == {"sub": REPRESENTATIVE_CCCD}
    info = _userinfo(client, tokens)
    assert info["account_type"] == "organisation"
    assert info["tax_code"] == ORG_TAX_CODE
    assert info["organisation_role"] == "legal_representative"


def test_a_personal_login_stays_personal_for_the_next_portal(client, vneid, portal, other_portal):
    log_in_through_vneid(client, vneid)
    response = authorize(
        client, client_id=OTHER_ID, redirect_uri=OTHER_CALLBACK, state="o", nonce="o-n"
    )
    location = follow_to_portal(client, response)
    tokens = exchange(
        client,
        query_of(location)["code"],
        client_id=OTHER_ID,
        secret=OTHER_SECRET,
        redirect_uri=OTHER_CALLBACK,
    ).json()
    assert "act" not in _id_token_claims(client, tokens["id_token"])
    assert _userinfo(client, tokens)["personal_id_number"] == NGA_CCCD


def test_choosing_the_personal_account_at_vneid_logs_the_person_in(client, vneid, portal):
    request = choose_organisation(client, vneid)
    answer = vneid_answers(client, vneid, request, account_type="citizen")
    location = follow_to_portal(client, answer)
    tokens = exchange(client, query_of(location)["code"]).json()
    info = _userinfo(client, tokens)
    assert info["LoaiTaiKhoan"] == "1"
    assert info["SoDinhDanh"] == NGA_CCCD
    assert Subject.objects.get().kind == SubjectKind.CITIZEN
    assert LoginSession.objects.get().act_number == ""


def test_an_authorised_person_is_named_from_their_last_personal_login(client, vneid, portal):
    services.subject_for(
        services.Person(
            idp="BCA",
            idp_subject="vneid-mai",
            personal_id_number=AUTHORISED_CCCD,
            cmnd_number="",
            full_name="Trịnh Thị Mai",
            birth_date=None,
            level=2,
        )
    )
    answer = log_in_as_organisation(
        client,
        vneid,
        act={"sub": AUTHORISED_CCCD},
        organisation_role="authorised_person",
        authorisation_scope="dossiers",
    )
    info = _userinfo(client, exchange(client, answer["code"]).json())
    assert info["act"] == {"sub": AUTHORISED_CCCD}
    assert info["HoVaTenNguoiThucHien"] == "Trịnh Thị Mai"
    assert info["VaiTro"] == "NguoiDuocUyQuyen"
    assert info["PhamViUyQuyen"] == "dossiers"


def test_a_name_in_act_wins(client, vneid, portal):
    answer = log_in_as_organisation(
        client,
        vneid,
        act={"sub": AUTHORISED_CCCD, "name": "Trịnh Thị Mai"},
        organisation_role="authorised_person",
        authorisation_scope="full",
    )
    info = _userinfo(client, exchange(client, answer["code"]).json())
    assert info["HoVaTenNguoiThucHien"] == "Trịnh Thị Mai"
    assert info["PhamViUyQuyen"] == "full"


def test_two_people_acting_for_one_organisation_share_its_subject(client, vneid, portal):
    first = log_in_as_organisation(client, vneid)
    first_info = _userinfo(client, exchange(client, first["code"]).json())
    client.cookies.clear()
    second = log_in_as_organisation(
        client,
        vneid,
        {"state": "second", "nonce": "second-nonce"},
        act={"sub": AUTHORISED_CCCD},
        organisation_role="authorised_person",
        authorisation_scope="dossiers",
    )
    second_info = _userinfo(client, exchange(client, second["code"]).json())
    assert second_info["sub"] == first_info["sub"]
    assert second_info["TechID"] == first_info["TechID"]
    assert second_info["act"] != first_info["act"]
    # The first token still says who acted in its own login.
    assert AuthorizationCode.objects.filter(act_number=REPRESENTATIVE_CCCD).exists()
    assert Subject.objects.count() == 1


def test_attributes_released_at_userinfo_only_are_fetched(client, vneid, portal):
    request = choose_organisation(client, vneid)
    small = {
        name: None
        for name in organisation_claims()
        if name.startswith(("organisation_", "legal_")) or name in ("tax_code", "enterprise_code")
    }
    small["organisation_role"] = "legal_representative"
    vneid.mock.get(USERINFO_URL, json={**organisation_claims(), "sub": ORG_SUB})
    answer = vneid_answers(client, vneid, request, **organisation_claims(**small))
    location = follow_to_portal(client, answer)
    info = _userinfo(client, exchange(client, query_of(location)["code"]).json())
    assert info["MaSoThue"] == ORG_TAX_CODE


def test_the_trainers_timeline_finds_an_organisations_requests_by_tax_code(client, vneid, portal):
    since = timezone.now()
    answer = log_in_as_organisation(client, vneid)
    exchange(client, answer["code"])
    answered = services.requests_answered([ORG_TAX_CODE], since=since)
    assert {hop.endpoint for hop in answered} >= {"token"}
    assert all(hop.masked_number != ORG_TAX_CODE for hop in answered)


# --- Bad answers from VNeID: the system's fault, nothing half-made ------------------------


@pytest.mark.parametrize(
    "broken",
    [
        {"act": None},
        {"act": {"sub": "12345"}},
        {"act": "049080001234"},
        {"organisation_role": None},
        {"organisation_role": "owner"},
        {"organisation_role": "authorised_person"},
        {"organisation_role": "authorised_person", "authorisation_scope": "everything"},
        {"organisation_name": None, "name": None},
        {"tax_code": "04012345"},
        {"tax_code": "0401234567"},
        {"establishment_date": "20/04/2015"},
    ],
    ids=[
        "no-act",
        "short-act",
        "act-not-an-object",
        "no-role",
        "unknown-role",
        "authorised-without-scope",
        "unknown-scope",
        "no-name",
        "short-tax-code",
        "tax-code-check-digit",
        "bad-date",
    ],
)
def test_an_unusable_organisation_answer_is_refused_as_a_system_fault(
    client, vneid, portal, broken
):
    request = choose_organisation(client, vneid)
    answer = vneid_answers(client, vneid, request, **organisation_claims(**broken))
    assert answer.status_code == 502
    page = answer.content.decode()
    assert "không phải lỗi của bạn" in page
    assert not Subject.objects.exists()
    assert not LoginSession.objects.exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_REFUSED).exists()


def test_an_organisation_login_below_level_2_is_refused(client, vneid, portal):
    request = choose_organisation(client, vneid)
    answer = vneid_answers(client, vneid, request, level=1, **organisation_claims())
    assert answer.status_code == 502
    assert not LoginSession.objects.exists()


def test_an_organisation_token_without_its_code_gives_no_attributes(client, vneid, portal):
    answer = log_in_as_organisation(client, vneid)
    tokens = exchange(client, answer["code"]).json()
    AuthorizationCode.objects.all().delete()
    response = client.get(USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    # The token went with its code (CASCADE) or knows nobody acting: never a guess.
    assert response.status_code == 401


def test_an_organisation_answer_to_the_personal_option_is_not_taken_for_a_person(
    client, vneid, portal
):
    """The personal option never asked for vneid_organisation: a VNeID that answers an
    organisation anyway has no personal number to give, and the login fails closed."""
    request = vneid_request(authorize(client))
    vneid.mock.get(USERINFO_URL, json={"sub": ORG_SUB})
    answer = vneid_answers(client, vneid, request, **organisation_claims())
    assert answer.status_code == 502
    assert not Subject.objects.exists()


def test_vneid_refusing_the_organisation_scope_is_the_systems_fault(client, vneid, portal):
    request = choose_organisation(client, vneid)
    response = client.get(
        "/xacthuc/vneid/callback",
        {"error": "invalid_scope", "state": request["state"], "iss": "http://vneid.test/vneid"},
    )
    assert response.status_code == 502
    page = response.content.decode()
    assert (
        "chưa cho phép Hệ thống xác thực đăng nhập bằng tài khoản định danh điện tử tổ chức" in page
    )
    assert "không phải lỗi của bạn" in page
    # The chooser is back: the personal option is one press away.
    assert 'data-testid="xacthuc-choose-vneid"' in page


def test_vneids_logout_token_naming_the_person_ends_the_organisation_login(client, vneid, portal):
    log_in_as_organisation(client, vneid)
    # VNeID's login is the person's: its logout token names them, and its sid.
    response = client.post(RECEIVER, {"logout_token": vneid_logout_token(vneid.key, sub=NGA_SUB)})
    assert response.status_code == 200
    assert LoginSession.objects.get().ended_at is not None


def test_vneid_asking_to_select_an_account_again_shows_the_chooser(client, vneid, portal):
    request = vneid_request(authorize(client))
    response = client.get(
        "/xacthuc/vneid/callback",
        {
            "error": "account_selection_required",
            "state": request["state"],
            "iss": "http://vneid.test/vneid",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(CHOOSER_PATH)
