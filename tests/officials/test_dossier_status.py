"""An official's dossier status change asks for a reason and writes the owner's audit entry."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.services import ReasonRequired
from portal.services import set_dossier_status


def _change_url(dossier):
    return reverse("admin:portal_dossier_change", args=[dossier.pk])


def test_status_change_in_the_admin_writes_the_reason_to_the_owners_audit(official_client, an):
    dossier = an.dossiers.get()
    before = dossier.status
    client = official_client("account")

    response = client.post(
        _change_url(dossier),
        {"status": "completed", "reason": "Đã trả kết quả tại bộ phận một cửa"},
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "completed"
    assert dossier.completed_at is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DOSSIER_STATUS_CHANGED)
    assert entry.account == an
    assert entry.actor_kind == AuditEntry.ActorKind.OFFICIAL
    assert entry.actor == client.official
    assert entry.reason == "Đã trả kết quả tại bộ phận một cửa"
    assert entry.changes == {"dossier": dossier.code, "status": [before, "completed"]}


def test_status_change_without_a_reason_is_refused_and_saves_nothing(official_client, an):
    dossier = an.dossiers.get()
    before = dossier.status
    client = official_client("account")

    response = client.post(_change_url(dossier), {"status": "completed", "reason": "  "})

    assert response.status_code == 200
    assert "Vui lòng nhập lý do thay đổi." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DOSSIER_STATUS_CHANGED).exists()


def test_the_service_refuses_a_blank_reason_and_skips_an_unchanged_status(an):
    dossier = an.dossiers.get()

    with pytest.raises(ReasonRequired):
        set_dossier_status(dossier=dossier, status="completed", actor=None, reason=" ")
    set_dossier_status(dossier=dossier, status=dossier.status, actor=None, reason="Kiểm tra")

    dossier.refresh_from_db()
    assert dossier.completed_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DOSSIER_STATUS_CHANGED).exists()
