"""Every error is a Vietnamese page in the portal's look, or JSON where a protocol expects it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from portal import errors

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HOME_AND_HELP = ('href="/"', 'href="/ho-tro/"')


def _assert_branded_page(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "CỔNG DỊCH VỤ CÔNG QUỐC GIA" in page
    assert heading in page
    assert "Về trang chủ" in page and "Hỗ trợ" in page
    for link in HOME_AND_HELP:
        assert link in page
    for english in ("Not Found", "Server Error", "Bad Request", "Forbidden"):
        assert english not in page


@pytest.fixture
def database_down(monkeypatch):
    """Make every query fail as it does when the database server cannot be reached."""

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(connection, "cursor", unreachable)


@pytest.fixture
def lenient_client():
    """A client that receives the 500 answer instead of the exception behind it."""
    return Client(raise_request_exception=False)


def test_an_unknown_page_is_a_vietnamese_404_offering_home_and_help(client):
    _assert_branded_page(client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")


def test_the_404_page_shows_who_is_logged_in(client, django_user_model):
    account = django_user_model.objects.create_user(
        "164438056", "DvcSandbox@2026", full_name="Tô Thị Nga", cccd_number="037190612345"
    )
    client.force_login(account)
    assert "Tô Thị Nga" in client.get("/khong-co-trang-nay/").content.decode()


def test_a_disallowed_host_is_a_vietnamese_400(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.example"]
    response = client.get("/", HTTP_HOST="evil.example")
    _assert_branded_page(response, 400, "Yêu cầu không hợp lệ")


def test_a_failed_csrf_check_is_a_vietnamese_403():
    response = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "x"})
    _assert_branded_page(response, 403, "Không có quyền truy cập")


def test_a_server_error_without_a_database_is_a_vietnamese_500(lenient_client, database_down):
    response = lenient_client.get("/ho-so/", HTTP_COOKIE="dvc_sessionid=" + "a" * 32)
    _assert_branded_page(response, 500, "Hệ thống đang gặp sự cố")
    assert "Đăng nhập" in response.content.decode()


def test_an_unknown_registry_api_path_is_a_404_in_the_registry_format(client):
    response = client.get("/registry/api/v1/citizens/search")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error", "message"}
    assert body["error"] == "not_found"
    assert "đường dẫn" in body["message"]
    assert response["Cache-Control"] == "no-store"


def test_the_registry_api_without_a_database_is_a_500_in_its_format(lenient_client, database_down):
    response = lenient_client.post(
        "/registry/api/v1/citizens/verify",
        data=json.dumps({"cccd_number": "036190012345", "purpose": "cccd_linking"}),
        content_type="application/json",
        headers={"authorization": "Bearer dvcr_whatever"},
    )
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert response.json()["message"]


@pytest.mark.parametrize("path", ["/vneid/jwks", "/vneid/.well-known/openid-configuration"])
def test_vneid_json_endpoints_without_a_database_answer_oauth_json(
    lenient_client, database_down, path
):
    response = lenient_client.get(path)
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == "server_error"


def test_a_disallowed_host_on_the_vneid_token_endpoint_is_an_oauth_400(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.example"]
    response = client.post("/vneid/token", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"]


def test_the_vneid_login_page_path_stays_html(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.example"]
    response = client.get("/vneid/authorize", HTTP_HOST="evil.example")
    _assert_branded_page(response, 400, "Yêu cầu không hợp lệ")


@pytest.mark.parametrize(
    ("handler", "status", "registry_code", "oauth_code"),
    [
        (errors.bad_request, 400, "invalid_request", "invalid_request"),
        (errors.permission_denied, 403, "forbidden", "access_denied"),
        (errors.page_not_found, 404, "not_found", "not_found"),
    ],
)
def test_each_handler_chooses_its_format_by_path(handler, status, registry_code, oauth_code):
    factory = RequestFactory()
    registry = handler(factory.get("/registry/api/v1/x"), exception=None)
    vneid = handler(factory.get("/vneid/userinfo"), exception=None)
    assert (registry.status_code, json.loads(registry.content)["error"]) == (status, registry_code)
    assert (vneid.status_code, json.loads(vneid.content)["error"]) == (status, oauth_code)


def test_make_run_settings_show_the_branded_404_and_still_serve_static_files(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client(HTTP_HOST='127.0.0.1');"
        "r = c.get('/khong-co-trang-nay/');"
        "s = c.get('/static/portal/css/portal.css');"
        "print(r.status_code, 'Không tìm thấy trang' in r.content.decode(), s.status_code)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'local.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["404", "True", "200"]
