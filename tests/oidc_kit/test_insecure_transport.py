"""OAuth over plain http: refused in JSON where Authlib would raise, allowed for a LAN sandbox."""

import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings

TOKEN_PATHS = ["/vneid/token", "/xacthuc/oauth2/token"]


@pytest.fixture
def https_required(monkeypatch):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_a_token_request_over_http_to_a_lan_address_is_refused_in_json(
    client, https_required, path
):
    response = client.post(
        path, {"grant_type": "authorization_code", "code": "x"}, HTTP_HOST="192.168.1.10:8000"
    )

    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error"] == "invalid_request"
    assert "https" in body["error_description"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_a_token_request_without_grant_type_is_named(client, path):
    response = client.post(path, {"code": "x"})

    assert response.status_code == 400
    assert json.loads(response.content)["error_description"] == "Missing 'grant_type'."


def _allowance_under(settings_module, base_url):
    code = (
        "import os, django; django.setup(); print(os.environ.get('AUTHLIB_INSECURE_TRANSPORT', ''))"
    )
    env = {key: value for key, value in os.environ.items() if key != "AUTHLIB_INSECURE_TRANSPORT"}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, SANDBOX_BASE_URL=base_url)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_sandbox_on_a_lan_address_allows_oauth_over_http():
    assert _allowance_under("config.settings.local", "http://192.168.1.10:8000") == "1"
    assert _allowance_under("config.settings.local", "https://sandbox.example.vn") == ""
