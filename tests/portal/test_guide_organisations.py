"""Guided mode, "Tổ chức đăng nhập bằng VNeID": each screen of the organisation's walk its step."""

import pytest
from django.urls import reverse

from accounts.models import AccountType, OrganisationProfile
from identity.relying_party.state import ID_TOKEN_SESSION_KEY
from portal.guide import GUIDE_COOKIE, ORGANISATION_GUIDE
from sandbox.personas import VNEID_PASSWORD, ensure_personas
from tests.accounts.factories import UserFactory
from tests.personas import HOIAN_TAX_CODE, QUANG_CCCD

pytestmark = pytest.mark.django_db


def _guided(client):
    client.cookies[GUIDE_COOKIE] = "1"
    return client


def _panel(response):
    html = response.content.decode()
    if 'data-testid="guide-panel"' not in html:
        return None, html
    return int(html.split('data-guide-step="', 1)[1][0]), html


def _organisation_account():
    account = UserFactory(
        username=HOIAN_TAX_CODE, cmnd_number="", account_type=AccountType.ORGANISATION
    )
    OrganisationProfile.objects.create(account=account, tax_code=HOIAN_TAX_CODE, name="Hội An")
    return account


def test_the_organisation_login_tab_is_step_one_of_the_organisation_guide(client):
    response = _guided(client).get(reverse("accounts:organisation_login"), follow=True)
    step, html = _panel(response)

    assert step == 1
    assert f"Hướng dẫn “{ORGANISATION_GUIDE}” · bước 1/4" in html
    assert "Bước 1: Đăng nhập tài khoản tổ chức cũ (trước năm 2025)" in html
    # The citizens' tab stays the citizens' guide.
    assert _panel(client.get(reverse("accounts:login")))[1].count(ORGANISATION_GUIDE) == 0


def test_an_organisation_signed_in_with_its_password_is_sent_to_the_vneid_app(client):
    client.force_login(_organisation_account())

    step, html = _panel(_guided(client).get(reverse("portal:home")))

    assert step == 1
    assert "“Định danh tổ chức” → “Đăng ký định danh tổ chức”" in html


def test_the_apps_organisation_screens_are_step_two(client):
    ensure_personas()
    app = _guided(client)
    app.post(
        reverse("vneid:app_home"),
        {"personal_id_number": QUANG_CCCD, "password": VNEID_PASSWORD},
    )

    for name in ("vneid:app_organisations", "vneid:app_organisation_register"):
        step, html = _panel(app.get(reverse(name)))
        assert step == 2, name
        assert "Bước 2: Người đại diện đăng ký định danh tổ chức trên ứng dụng VNeID" in html


def test_vneid_asked_for_the_organisation_is_step_three(client):
    query = "?client_id=x&scope=openid%20profile%20vneid_organisation&response_type=code"

    step, html = _panel(_guided(client).get(reverse("vneid:authorize") + query))

    assert step == 3
    assert "Bước 3: Đăng nhập bằng VNeID với tư cách tổ chức" in html


def test_a_vneid_organisation_session_finishes_the_walk(client):
    client.force_login(_organisation_account())
    session = client.session
    session[ID_TOKEN_SESSION_KEY] = "header.payload.signature"
    session.save()

    step, html = _panel(_guided(client).get(reverse("portal:home")))

    assert step == 4 and "Kế thừa tài khoản tổ chức cũ" in html
    assert "Đã hoàn thành:" in html


def test_the_provinces_organisation_login_is_step_one_too(client):
    step, html = _panel(_guided(client).get(reverse("provincial_portal:organisation_login")))

    assert step == 1 and ORGANISATION_GUIDE in html


def test_a_citizens_vneid_login_stays_in_the_citizens_guide(client):
    query = "?client_id=x&scope=openid%20profile&response_type=code"

    step, html = _panel(_guided(client).get(reverse("vneid:authorize") + query))

    assert step in (3, 4) and ORGANISATION_GUIDE not in html
