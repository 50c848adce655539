"""`manage.py purge_vneid` deletes only what can no longer be used."""

from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from vneid.models import AccessToken, AuthorizationCode, LoginFailure, LoginSession


def _purge():
    out = StringIO()
    call_command("purge_vneid", stdout=out)
    return out.getvalue()


def test_purge_keeps_a_fresh_login_and_its_code_and_token(tokens):
    _purge()

    assert LoginSession.objects.count() == 1
    assert AuthorizationCode.objects.count() == 1
    assert AccessToken.objects.count() == 1


def test_purge_deletes_expired_logins_codes_and_tokens_a_day_later(tokens):
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        report = _purge()

    assert LoginSession.objects.count() == 0
    assert AuthorizationCode.objects.count() == 0
    assert AccessToken.objects.count() == 0
    assert "authorization codes: 1 deleted" in report


def test_purge_keeps_failed_logins_while_they_still_count(db):
    LoginFailure.objects.create(personal_id_number="037190612345", ip_address="127.0.0.1")
    _purge()
    assert LoginFailure.objects.count() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        _purge()
    assert LoginFailure.objects.count() == 0
