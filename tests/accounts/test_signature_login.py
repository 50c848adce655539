"""The shared signature check of USB and SIM logins, with certificates the tests make."""

import base64
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from accounts import signature_login as sl
from accounts.ca_client import CaClient
from accounts.login_flow import finish_login
from accounts.models import AuditEntry
from tests.personas import NGA_CCCD, NGA_CMND

from .factories import UserFactory
from .pki import CRL_URL, ROOT_URL, OwnCa, publish, rsa_key

CHALLENGE = "DVCQG-DANG-NHAP|usb|abc|1"


@pytest.fixture
def ca():
    return OwnCa()


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _verify(holder, *, challenge=CHALLENGE, signed=CHALLENGE, signature=None):
    return sl.verify_signed_challenge(
        challenge=challenge,
        certificate_pem=holder.pem,
        signature=signature if signature is not None else holder.sign(signed.encode()),
    )


def test_a_right_signature_gives_the_holders_identity(ca, http):
    publish(http, ca)
    holder = ca.issue(uid=f"CMND:{NGA_CMND}")
    identity = _verify(holder)
    assert (identity.full_name, identity.id_kind, identity.id_number) == (
        "Tô Thị Nga",
        "CMND",
        NGA_CMND,
    )
    assert identity.serial_number == format(holder.certificate.serial_number, "X")


def test_an_rsa_key_signs_too(ca, http):
    publish(http, ca)
    assert _verify(ca.issue(key=rsa_key())).id_number == NGA_CMND


def test_a_certificate_from_another_ca_is_foreign(ca, http):
    publish(http, ca)
    other = OwnCa(name="CA thử nghiệm DVC Sandbox")  # same name, another key
    with pytest.raises(sl.ForeignCertificate):
        _verify(other.issue())


def test_an_expired_certificate_is_refused(ca, http):
    publish(http, ca)
    with pytest.raises(sl.ExpiredCertificate):
        _verify(ca.issue(days=(-400, -1)))


def test_a_certificate_not_yet_valid_is_refused(ca, http):
    publish(http, ca)
    with pytest.raises(sl.ExpiredCertificate):
        _verify(ca.issue(days=(2, 400)))


def test_a_revoked_certificate_is_refused(ca, http):
    holder = ca.issue()
    ca.revoke(holder)
    publish(http, ca)
    with pytest.raises(sl.RevokedCertificate):
        _verify(holder)


def test_a_signature_made_with_another_key_is_refused(ca, http):
    publish(http, ca)
    holder = ca.issue()
    impostor = ca.issue()
    with pytest.raises(sl.BadSignature):
        _verify(holder, signature=impostor.sign(CHALLENGE.encode()))


def test_a_signature_over_a_tampered_challenge_is_refused(ca, http):
    publish(http, ca)
    with pytest.raises(sl.BadSignature):
        _verify(ca.issue(), challenge=CHALLENGE, signed=CHALLENGE.replace("abc", "abd"))


def test_garbage_instead_of_a_certificate_is_unknown(ca, http):
    publish(http, ca)
    with pytest.raises(sl.UnknownCertificate):
        sl.verify_signed_challenge(challenge=CHALLENGE, certificate_pem="xyz", signature=b"1")


@pytest.mark.parametrize(
    "uid",
    [
        None,
        f"CCCD:{NGA_CMND}",
        "EMAIL:a@b.vn",
        "CMND:16443805x",
        "CCCD:０３７１９０６１２３４５",
        "CMND:١٦٤٤٣٨٠٥٦",
    ],
)
def test_a_certificate_without_a_usable_id_is_unknown(ca, http, uid):
    publish(http, ca)
    with pytest.raises(sl.UnknownCertificate):
        _verify(ca.issue(uid=uid))


def test_an_unreachable_ca_stops_the_login(ca, http):
    http.get(ROOT_URL, body=requests.ConnectionError("down"))
    with pytest.raises(sl.CaUnreachable):
        _verify(ca.issue())


def test_an_unreachable_crl_stops_the_login(ca, http):
    publish(http, ca, crl=False)
    http.get(CRL_URL, status=503)
    with pytest.raises(sl.CaUnreachable):
        _verify(ca.issue())


def test_a_crl_not_signed_by_the_root_stops_the_login(ca, http):
    http.get(ROOT_URL, body=ca.pem)
    http.get(CRL_URL, body=ca.crl_der(signer=OwnCa().key))
    with pytest.raises(sl.CaUnreachable):
        _verify(ca.issue())


def test_an_out_of_date_crl_stops_the_login(ca, http):
    http.get(ROOT_URL, body=ca.pem)
    http.get(CRL_URL, body=ca.crl_der(next_update_hours=-1))
    with pytest.raises(sl.CaUnreachable):
        _verify(ca.issue())


def test_a_pinned_root_refuses_another_root(ca, http, settings):
    settings.CA = {**settings.CA, "ROOT_SHA256": "00" * 32}
    publish(http, ca)
    with pytest.raises(sl.CaUnreachable):
        _verify(ca.issue())


def test_the_root_is_fetched_once_and_cached(ca, http):
    publish(http, ca)
    _verify(ca.issue())
    _verify(ca.issue())
    assert [call.request.url for call in http.calls].count(ROOT_URL) == 1


def test_the_ca_client_sends_its_timeout(ca, http, settings):
    settings.CA = {**settings.CA, "TIMEOUT_SECONDS": 1.5}
    publish(http, ca)
    with CaClient() as client:
        client.root_certificate()
    assert http.calls[0].request.req_kwargs["timeout"] == 1.5


# Challenges


def _request():
    request = RequestFactory().post("/dang-nhap/usb-ky-so/xac-thuc/")
    request.session = SessionStore()
    return request


def test_a_challenge_is_used_once():
    request = _request()
    value = sl.issue_challenge(request, method="usb")
    assert sl.take_challenge(request, method="usb", presented=value).value == value
    with pytest.raises(sl.ChallengeUsed):
        sl.take_challenge(request, method="usb", presented=value)


def test_another_sessions_challenge_is_refused():
    mine, theirs = _request(), _request()
    sl.issue_challenge(mine, method="usb")
    replayed = sl.issue_challenge(theirs, method="usb")
    with pytest.raises(sl.ChallengeUsed):
        sl.take_challenge(mine, method="usb", presented=replayed)
    # The attempt used up this session's challenge too: a replay cannot be retried.
    with pytest.raises(sl.ChallengeUsed):
        sl.take_challenge(mine, method="usb")


def test_a_challenge_expires_after_two_minutes():
    request = _request()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        value = sl.issue_challenge(request, method="usb")
        clock.shift(timedelta(seconds=121))
        with pytest.raises(sl.ChallengeExpired):
            sl.take_challenge(request, method="usb", presented=value)


def test_a_challenge_of_another_method_does_not_count():
    request = _request()
    sl.issue_challenge(request, method="sim")
    with pytest.raises(sl.ChallengeUsed):
        sl.take_challenge(request, method="usb")


def test_a_challenge_keeps_only_a_safe_next():
    request = _request()
    sl.issue_challenge(request, method="usb", next_url="https://evil.example/")
    assert sl.take_challenge(request, method="usb").next_url == ""


def test_signatures_are_read_from_base64():
    assert sl.decode_signature(base64.b64encode(b"sig").decode()) == b"sig"
    with pytest.raises(sl.BadSignature):
        sl.decode_signature("not base64!")


# From the identity to an account


def _identity(kind, number):
    return sl.SignerIdentity(full_name="", id_kind=kind, id_number=number, serial_number="01")


@pytest.mark.django_db
def test_a_cmnd_finds_the_account_registered_with_it():
    account = UserFactory(username=NGA_CMND)
    assert sl.find_account(_identity("CMND", NGA_CMND)) == account


@pytest.mark.django_db
def test_a_cccd_finds_the_account_that_linked_it():
    account = UserFactory(cccd_number=NGA_CCCD)
    assert sl.find_account(_identity("CCCD", NGA_CCCD)) == account


@pytest.mark.django_db
def test_a_cmnd_does_not_match_a_linked_cccd():
    UserFactory(cccd_number=NGA_CCCD)
    with pytest.raises(sl.NoMatchingAccount):
        sl.find_account(_identity("CMND", NGA_CCCD))


@pytest.mark.django_db
def test_an_id_of_no_account_is_refused():
    with pytest.raises(sl.NoMatchingAccount):
        sl.find_account(_identity("CCCD", "048195020233"))


@pytest.mark.django_db
def test_a_locked_account_is_refused():
    UserFactory(username="031234567", is_active=False)
    with pytest.raises(sl.AccountLocked):
        sl.find_account(_identity("CMND", "031234567"))


@pytest.mark.django_db
def test_complete_login_audits_and_sends_an_account_without_cccd_to_the_cccd_screen(client):
    account = UserFactory(username=NGA_CMND)
    request = _request()
    request.user = None
    url = finish_login(
        request,
        account=account,
        method="usb",
        next_url="/ho-so/",
        audit_reason=sl.login_reason(_identity("CMND", NGA_CMND), method="usb"),
    )
    assert url == "/tai-khoan/cap-nhat-cccd/?next=%2Fho-so%2F"
    entry = account.audit_entries.get()
    assert entry.action == AuditEntry.Action.USB_LOGIN
    assert "1644***56" in entry.reason
    assert NGA_CMND not in entry.reason
