"""The captcha's accessible alternatives: spoken challenge when flite exists, text help always."""

import re
import shutil

import captcha.conf.settings as captcha_settings
import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

FLITE = shutil.which("flite")

pytestmark = pytest.mark.django_db


def test_login_page_offers_the_spoken_challenge_when_flite_is_installed(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", "/usr/bin/flite")

    page = client.get(reverse("accounts:login")).content.decode()

    assert 'data-testid="captcha-audio"' in page
    assert re.search(r'href="/captcha/audio/\w+\.wav"', page)
    assert "Nghe mã xác thực" in page


def test_login_page_without_flite_still_explains_the_other_ways(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)

    page = client.get(reverse("accounts:login")).content.decode()

    assert 'data-testid="captcha-audio"' not in page
    assert "Không đọc được ảnh? Chọn" in page
    assert reverse("portal:help") in page


@pytest.mark.skipif(FLITE is None, reason="Debian's flite is not installed")
def test_audio_challenge_is_a_wav_recording(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", FLITE)
    key = CaptchaStore.generate_key()

    response = client.get(reverse("captcha-audio", kwargs={"key": key}))

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_captcha_refresh_returns_a_new_audio_address_with_flite(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", "/usr/bin/flite")

    data = client.get(
        reverse("captcha-refresh"), headers={"X-Requested-With": "XMLHttpRequest"}
    ).json()

    assert data["audio_url"].endswith(f"{data['key']}.wav")
