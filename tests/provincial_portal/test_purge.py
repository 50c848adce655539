"""The purge keeps what a request can still use and deletes the rest."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from provincial_portal.models import (
    LoginFlow,
    PasswordFailure,
    ProvincialAccount,
    ProvincialSession,
)

from .factories import NGA_SEED

pytestmark = pytest.mark.django_db


def test_purge_deletes_spent_rows_only(personas, capsys):
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    now = timezone.now()
    live = ProvincialSession.objects.create(key_hash="a" * 64, account=nga)
    ProvincialSession.objects.create(
        key_hash="b" * 64, account=nga, ended_at=now - timedelta(days=2)
    )
    ProvincialSession.objects.create(
        key_hash="c" * 64, account=nga, created_at=now - timedelta(days=3)
    )
    fresh_flow = LoginFlow.objects.create(
        key_hash="d" * 64, state="s", nonce="n", code_verifier="v", redirect_uri="r"
    )
    LoginFlow.objects.create(
        key_hash="e" * 64,
        state="s",
        nonce="n",
        code_verifier="v",
        redirect_uri="r",
        started_at=now - timedelta(hours=1),
    )
    recent = PasswordFailure.objects.create(account=nga)
    PasswordFailure.objects.create(account=nga, created_at=now - timedelta(hours=1))

    call_command("purge_provincial_portal")

    assert "Đã xoá 4 bản ghi." in capsys.readouterr().out
    assert list(ProvincialSession.objects.all()) == [live]
    assert list(LoginFlow.objects.all()) == [fresh_flow]
    assert list(PasswordFailure.objects.all()) == [recent]
