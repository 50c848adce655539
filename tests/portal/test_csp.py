"""Content-Security-Policy: every page sends it, and no page needs inline code to work."""

import re

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.urls import reverse

from tests.accounts.factories import UserFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)

ANONYMOUS_PAGES = [
    "/",
    "/gioi-thieu/",
    "/thong-tin-va-dich-vu/",
    "/thanh-toan-truc-tuyen/",
    "/phan-anh-kien-nghi/",
    "/thu-tuc-hanh-chinh/",
    "/ho-tro/",
    "/dang-nhap/",
    "/dang-xuat/",
    "/quen-mat-khau/",
    "/admin/login/",
    "/sandbox/",
    "/vneid/app/",
    "/trang-khong-co/",
    # Without a login in progress: the portal's VNeID error page.
    "/dang-nhap/vneid/callback/",
]
ACCOUNT_PAGES = [
    "/tai-khoan/thong-tin-dinh-danh/",
    "/tai-khoan/cap-nhat-cccd/",
    "/ho-so/",
    "/dich-vu-cong/cap-phieu-ly-lich-tu-phap/",
]


def _directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values.split()
        for name, _, values in (part.strip().partition(" ") for part in header.split(";"))
    }


def assert_no_inline_code(html):
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, STYLE_ATTRIBUTE, EVENT_HANDLER, JAVASCRIPT_URL):
        found = pattern.search(html)
        assert found is None, html[max(found.start() - 200, 0) : found.end() + 200]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_page_sends_a_policy_without_unsafe_inline(client, db, path):
    response = client.get(path)

    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'self'" in directives[name]
    assert_no_inline_code(response.content.decode())


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_send_the_policy_and_carry_no_inline_code(client, db, path):
    client.force_login(UserFactory())

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert_no_inline_code(response.content.decode())


def test_admin_pages_carry_no_inline_code(admin_client):
    for path in ("/admin/", reverse("admin:accounts_user_changelist")):
        response = admin_client.get(path)

        assert response.status_code == 200
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert_no_inline_code(response.content.decode())


def test_a_nonce_used_by_a_page_is_allowed_by_its_policy(rf):
    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _directives(response)["script-src"]
