"""A USB ký số login beside a password login, timed in the same run.

Two comparisons: the checks alone, in this process (the portal's signature verification with
its CA root and CRL cached, against the password backend's argon2 check), and the whole logins
over HTTP on gunicorn (USB: start → the token signs the challenge → verify; password: the login
page → POST the form), interleaved so that drift in the machine's speed hits both alike.
"""

import base64
import re
import secrets
import statistics
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

TIMEOUT_SECONDS = 10
WARM_UP = 5
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class SignatureFixtures:
    username: str
    password: str
    certificate_pem: str
    key_pem: bytes


def prepare():
    """Create an account with a password and a USB token certificate (Django already set up)."""
    from cryptography.hazmat.primitives import serialization
    from django.contrib.auth import get_user_model
    from django.db import connections

    from certificate_authority import services as ca

    username = f"{secrets.randbelow(10**9):09d}"
    password = secrets.token_urlsafe(12) + "@Aa1"
    get_user_model().objects.create_user(
        username, password, cmnd_number=username, cccd_number="", full_name="Người Đo Hiệu Năng"
    )
    certificate = ca.issue_certificate(
        holder_name="Người Đo Hiệu Năng", id_kind="CMND", id_number=username, kind="usb_token"
    )
    key_pem = ca.certificate_key(certificate).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    connections.close_all()
    return SignatureFixtures(username, password, certificate.certificate_pem, key_pem)


def _sign(key, data):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _load_key(fixtures):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(fixtures.key_pem, password=None)


def _ms(started):
    return (time.perf_counter() - started) * 1000


def measure_checks(base_url, fixtures, *, count):
    """Time the signature check and the password check alone, alternating, in this process."""
    from django.conf import settings
    from django.test.utils import override_settings

    from accounts import signature_login
    from accounts.backends import CmndOrCccdBackend
    from accounts.ca_client import CaClient

    # Through override_settings, so that the CA settings object reads the new address.
    override_settings(CA={**settings.CA, "BASE_URL": f"{base_url}/ca/"}).enable()
    key = _load_key(fixtures)
    backend = CmndOrCccdBackend()
    client = CaClient()

    def signature_check():
        challenge = f"DVCQG-DANG-NHAP|usb|{secrets.token_urlsafe(32)}|{int(time.time())}"
        signature = _sign(key, challenge.encode())
        started = time.perf_counter()
        identity = signature_login.verify_signed_challenge(
            challenge=challenge,
            certificate_pem=fixtures.certificate_pem,
            signature=signature,
            client=client,
        )
        signature_login.find_account(identity)
        return _ms(started)

    def password_check():
        started = time.perf_counter()
        user = backend.authenticate(None, username=fixtures.username, password=fixtures.password)
        if user is None:
            raise RuntimeError("the benchmark account's password did not authenticate")
        return _ms(started)

    for _ in range(WARM_UP):
        signature_check()
        password_check()
    signature_ms, password_ms = [], []
    for _ in range(count):
        signature_ms.append(signature_check())
        password_ms.append(password_check())
    client.close()
    return _summary(signature_ms, password_ms)


def measure_logins(base_url, fixtures, *, count):
    """Time whole USB and password logins over HTTP, alternating, each in a fresh session."""
    key = _load_key(fixtures)

    def login_page(http):
        page = http.get(f"{base_url}/dang-nhap/", timeout=TIMEOUT_SECONDS)
        return CSRF_FIELD.search(page.text).group(1)

    def usb_login():
        http = requests.Session()
        started = time.perf_counter()
        token = login_page(http)
        start = http.post(
            f"{base_url}/dang-nhap/usb-ky-so/",
            data={"csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        challenge = parse_qs(urlsplit(start.headers["Location"]).query)["challenge"][0]
        signature = base64.b64encode(_sign(key, challenge.encode())).decode()
        done = http.post(
            f"{base_url}/dang-nhap/usb-ky-so/xac-thuc/",
            data={
                "challenge": challenge,
                "certificate": fixtures.certificate_pem,
                "signature": signature,
            },
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        elapsed = _ms(started)
        _expect_logged_in(done, "USB")
        return elapsed

    def password_login():
        http = requests.Session()
        started = time.perf_counter()
        token = login_page(http)
        done = http.post(
            f"{base_url}/dang-nhap/",
            data={
                "csrfmiddlewaretoken": token,
                "username": fixtures.username,
                "password": fixtures.password,
                "captcha_0": "bench",
                "captcha_1": "PASSED",
            },
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        elapsed = _ms(started)
        _expect_logged_in(done, "password")
        return elapsed

    for _ in range(WARM_UP):
        usb_login()
        password_login()
    usb_ms, password_ms = [], []
    for _ in range(count):
        usb_ms.append(usb_login())
        password_ms.append(password_login())
    return _summary(usb_ms, password_ms)


def _expect_logged_in(response, method):
    # Both land on the CCCD screen: the benchmark account has no CCCD, like Nga.
    if response.status_code != 302 or "/tai-khoan/cap-nhat-cccd/" not in response.headers.get(
        "Location", ""
    ):
        raise RuntimeError(
            f"{method} login answered {response.status_code} "
            f"{response.headers.get('Location', '')}: not logged in"
        )


def _summary(signature_ms, password_ms):
    return {
        "count": len(signature_ms),
        "signature_median": statistics.median(signature_ms),
        "signature_p95": statistics.quantiles(signature_ms, n=100)[94],
        "password_median": statistics.median(password_ms),
        "password_p95": statistics.quantiles(password_ms, n=100)[94],
        "ratio": statistics.median(signature_ms) / statistics.median(password_ms),
    }
