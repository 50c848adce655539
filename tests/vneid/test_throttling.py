"""VNeID's login throttling under parallel requests: five checks a number, a class gets in."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests

from tests.citizen_registry.factories import CitizenFactory
from vneid.models import AuditEvent, LoginFailure
from vneid.services import ensure_vneid_account
from vneid.throttling import (
    ADDRESS_LOCKOUT_MESSAGE,
    FAILURE_LIMIT,
    LOCKOUT_MESSAGE,
    address_failure_limit,
    admit_attempt,
    confirm_failure,
)

from .flows import NGA_CCCD, PASSWORD, authorize_params

PARALLEL = 20
TIMEOUT = 30


def _log_in_at_once(authorization_url, credentials):
    """Open a login page per (number, password), then post them all at once; return statuses."""
    barrier = threading.Barrier(len(credentials))

    def attempt(number_and_password):
        number, password = number_and_password
        with requests.Session() as browser:
            page = browser.get(authorization_url, timeout=TIMEOUT)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            form = {"csrfmiddlewaretoken": csrf, "personal_id_number": number, "password": password}
            barrier.wait(timeout=TIMEOUT)
            response = browser.post(
                authorization_url, data=form, allow_redirects=False, timeout=TIMEOUT
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=len(credentials)) as pool:
        return list(pool.map(attempt, credentials))


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_check_at_most_five(live_server, nga, rp, pkce):
    url = f"{live_server.url}/vneid/authorize?{urlencode(authorize_params(rp, pkce))}"

    statuses = sorted(_log_in_at_once(url, [(NGA_CCCD, "sai-mat-khau")] * PARALLEL))

    checked = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).count()
    print(f"{PARALLEL} parallel wrong passwords: {checked} checked, {statuses.count(429)} refused")
    assert checked <= FAILURE_LIMIT
    assert statuses == [200] * checked + [429] * (PARALLEL - checked)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_THROTTLED).count() == (
        PARALLEL - checked
    )
    # Refused attempts were never checked and do not lengthen the lock.
    assert LoginFailure.objects.count() == checked


CLASS_SIZE = 30


@pytest.mark.django_db(transaction=True)
def test_a_class_behind_one_address_logs_in_at_once(live_server, rp, pkce):
    # Thirty trainees, one address (the room's), each with their own number: passwords still
    # being checked count against each number, not yet against the shared address.
    citizens = [CitizenFactory() for _ in range(CLASS_SIZE)]
    for citizen in citizens:
        ensure_vneid_account(citizen, password=PASSWORD, level=2)
    url = f"{live_server.url}/vneid/authorize?{urlencode(authorize_params(rp, pkce))}"

    statuses = _log_in_at_once(url, [(citizen.cccd_number, PASSWORD) for citizen in citizens])

    assert statuses == [302] * CLASS_SIZE
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_THROTTLED).exists()


@pytest.mark.django_db
def test_attempts_in_flight_count_against_their_number_but_not_their_address():
    for index in range(address_failure_limit() + 5):
        attempt, lockout = admit_attempt(
            personal_id_number=f"0010900{index:05d}", ip_address="10.1.1.1"
        )
        assert lockout is None and attempt is not None
    for _ in range(FAILURE_LIMIT):
        admit_attempt(personal_id_number="001090099999", ip_address="10.2.2.2")

    attempt, lockout = admit_attempt(personal_id_number="001090099999", ip_address="10.3.3.3")

    assert attempt is None and lockout == LOCKOUT_MESSAGE


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_lock_it():
    for index in range(address_failure_limit()):
        attempt, _ = admit_attempt(personal_id_number=f"0010900{index:05d}", ip_address="10.1.1.1")
        confirm_failure(attempt)

    attempt, lockout = admit_attempt(personal_id_number="001090099999", ip_address="10.1.1.1")

    assert attempt is None and lockout == ADDRESS_LOCKOUT_MESSAGE
    assert admit_attempt(personal_id_number="001090099999", ip_address="10.4.4.4")[1] is None
