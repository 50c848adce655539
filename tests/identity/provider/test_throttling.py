"""VNeID's login throttling holds under parallel requests: at most five passwords are checked."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests

from identity.provider.models import AuditEvent, LoginFailure
from identity.provider.throttling import FAILURE_LIMIT

from .flows import NGA_CCCD, authorize_params

PARALLEL = 20
TIMEOUT = 30


def _parallel_wrong_passwords(authorization_url, count):
    """Open `count` login pages, then post a wrong password from all of them at once."""
    barrier = threading.Barrier(count)

    def attempt(_):
        with requests.Session() as browser:
            page = browser.get(authorization_url, timeout=TIMEOUT)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            form = {
                "csrfmiddlewaretoken": csrf,
                "personal_id_number": NGA_CCCD,
                "password": "sai-mat-khau",
            }
            barrier.wait(timeout=TIMEOUT)
            response = browser.post(
                authorization_url, data=form, allow_redirects=False, timeout=TIMEOUT
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(attempt, range(count)))


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_check_at_most_five(live_server, nga, rp, pkce):
    url = f"{live_server.url}/vneid/authorize?{urlencode(authorize_params(rp, pkce))}"

    statuses = _parallel_wrong_passwords(url, PARALLEL)

    checked = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).count()
    print(f"{PARALLEL} parallel wrong passwords: {checked} checked, {statuses.count(429)} refused")
    assert checked <= FAILURE_LIMIT
    assert statuses == [200] * checked + [429] * (PARALLEL - checked)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_THROTTLED).count() == (
        PARALLEL - checked
    )
    # Refused attempts were never checked and do not lengthen the lock.
    assert LoginFailure.objects.count() == checked
