"""The captcha: a solved challenge opens exactly one login, even to parallel requests."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import captcha.conf.settings as captcha_settings
import pytest
import requests
from captcha.models import CaptchaStore

from .factories import PASSWORD, UserFactory

PARALLEL = 6
TIMEOUT = 30


@pytest.fixture
def real_captcha(monkeypatch):
    """Turn off the automation answer so the captcha is checked for real."""
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)


def _parallel_logins(login_url, form, count):
    """Post the same login form from `count` browsers at once; return the status codes."""
    barrier = threading.Barrier(count)

    def log_in(_):
        with requests.Session() as browser:
            page = browser.get(login_url, timeout=TIMEOUT)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            barrier.wait(timeout=TIMEOUT)
            response = browser.post(
                login_url,
                data={**form, "csrfmiddlewaretoken": csrf},
                allow_redirects=False,
                timeout=TIMEOUT,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(log_in, range(count)))


@pytest.mark.django_db(transaction=True)
def test_a_solved_captcha_opens_one_of_six_parallel_logins(live_server, real_captcha):
    account = UserFactory(cccd_number="001085004321")
    solved = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
    form = {
        "username": account.username,
        "password": PASSWORD,
        "captcha_0": solved.hashkey,
        "captcha_1": solved.response,
    }

    statuses = _parallel_logins(f"{live_server.url}/dang-nhap/", form, PARALLEL)

    print(f"{PARALLEL} parallel logins with one solved captcha: {statuses.count(302)} accepted")
    assert statuses == [200] * (PARALLEL - 1) + [302]
    assert not CaptchaStore.objects.filter(hashkey=solved.hashkey).exists()


def test_a_solved_captcha_is_refused_the_second_time(client, db, real_captcha):
    account = UserFactory()
    solved = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
    form = {
        "username": account.username,
        "password": PASSWORD,
        "captcha_0": solved.hashkey,
        "captcha_1": solved.response.upper(),
    }
    client.post("/dang-nhap/", form)
    client.post("/dang-xuat/")

    again = client.post("/dang-nhap/", form)

    assert again.context["form"].has_error("captcha", code="invalid")
    assert "_auth_user_id" not in client.session


def test_a_wrong_answer_burns_the_challenge(client, db, real_captcha):
    account = UserFactory()
    challenge = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
    form = {"username": account.username, "password": PASSWORD, "captcha_0": challenge.hashkey}

    client.post("/dang-nhap/", {**form, "captcha_1": "sai"})
    right_answer_too_late = client.post("/dang-nhap/", {**form, "captcha_1": challenge.response})

    assert right_answer_too_late.context["form"].has_error("captcha", code="invalid")
