import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from citizen_registry.faults import current_fault
from citizen_registry.models import ApiClient, Citizen
from portal.models import Dossier
from sandbox.models import OutboxMessage
from sandbox.personas import PASSWORD, PERSONAS, VNEID_PASSWORD, ensure_personas
from tests.personas import NGA_CCCD, NGA_CMND
from vneid import faults as vneid_faults

User = get_user_model()


@pytest.fixture
def personas(db):
    ensure_personas()


def test_personas_json_lists_every_persona_with_credentials_and_state(personas, capsys):
    call_command("personas", "--json")
    data = json.loads(capsys.readouterr().out)
    by_key = {item["key"]: item for item in data}
    citizens = {key for key, item in by_key.items() if item["type"] == "citizen"}
    assert citizens == {persona.key for persona in PERSONAS}
    nga = by_key["nga"]
    assert nga["full_name"] == "Tô Thị Nga"
    assert nga["username"] == NGA_CMND
    assert nga["cmnd_number"] == NGA_CMND
    assert nga["password"] == PASSWORD
    assert nga["linked"] is False
    assert nga["dossiers"] == 3
    assert nga["vneid"] == {
        "personal_id_number": NGA_CCCD,
        "password": VNEID_PASSWORD,
        "level": 2,
        "active": True,
    }
    assert by_key["khoa"]["vneid"]["level"] == 1
    assert by_key["dung"]["vneid"] is None
    assert by_key["an"]["linked"] is True
    assert by_key["hoa"]["has_portal_account"] is False
    assert by_key["dung"]["active"] is False
    assert by_key["lan"]["is_official"] is True


def test_persona_passwords_work(personas):
    nga = User.objects.get(username=NGA_CMND)
    assert nga.check_password(PASSWORD)


def test_seed_sandbox_is_idempotent_and_registers_the_portal_key(db, settings):
    call_command("seed_sandbox", "--citizens", "50", "--quiet")
    call_command("seed_sandbox", "--citizens", "50", "--quiet")
    assert Citizen.objects.count() == 50 + len(PERSONAS)
    assert User.objects.filter(username=NGA_CMND).count() == 1
    assert Dossier.objects.filter(owner__username=NGA_CMND).count() == 3
    assert ApiClient.objects.filter(can_read_records=True, is_active=True).count() == 1


def test_reset_puts_a_changed_persona_back(client, personas):
    nga = User.objects.get(username=NGA_CMND)
    nga.cccd_number = NGA_CCCD
    nga.full_name = "Đã sửa"
    nga.save()
    Dossier.objects.filter(owner=nga).delete()
    response = client.post("/sandbox/personas/nga/reset/", follow=True)
    assert "Đã đặt lại persona Tô Thị Nga" in response.content.decode()
    nga.refresh_from_db()
    assert nga.cccd_number == ""
    assert nga.full_name == "Tô Thị Nga"
    assert nga.check_password(PASSWORD)
    assert Dossier.objects.filter(owner=nga).count() == 3


def test_console_shows_personas_and_the_captcha_switch(client, personas):
    html = client.get("/sandbox/").content.decode()
    for persona in PERSONAS:
        assert persona.full_name in html
    assert re.search(r'data-testid="vneid-nga">mức 2<br><code>VneidSandbox@2026</code>', html)
    assert re.search(r'data-testid="vneid-khoa">mức 1<br>', html)
    assert 'data-testid="vneid-dung">—' in html
    assert "TOTP: <code>JBSWY3DPEHPK3PXPDVCSANDBOXLAN234</code>" in html
    assert "CAPTCHA_TEST_MODE=1" in html
    assert "PASSED" in html


def test_console_switches_the_registry_fault(client, db):
    client.post(
        "/sandbox/faults/registry/", {"registry-mode": "latency", "registry-latency_ms": "250"}
    )
    fault = current_fault()
    assert (fault.mode, fault.latency_ms) == ("latency", 250)
    assert vneid_faults.current_fault().mode == "none"
    client.post("/sandbox/faults/registry/", {"registry-mode": "none"})
    assert current_fault().mode == "none"


def test_console_switches_the_vneid_fault_alone(client, db):
    response = client.post("/sandbox/faults/vneid/", {"vneid-mode": "outage"}, follow=True)
    assert "VNeID: Ngừng hoạt động (503)." in response.content.decode()
    assert vneid_faults.current_fault().mode == "outage"
    assert current_fault().mode == "none"


def test_console_refuses_an_unknown_fault_mode_or_system(client, db):
    response = client.post("/sandbox/faults/registry/", {"registry-mode": "fire"}, follow=True)
    assert "Cấu hình sự cố không hợp lệ" in response.content.decode()
    assert current_fault().mode == "none"
    assert client.post("/sandbox/faults/mail/", {"mail-mode": "outage"}).status_code == 404


def test_console_is_absent_when_the_sandbox_is_off(client, db, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get("/sandbox/").status_code == 404
    assert client.post("/sandbox/personas/nga/reset/").status_code == 404


def test_outbox_backend_keeps_sent_mail_for_the_console(client, db, settings):
    settings.EMAIL_BACKEND = "sandbox.mail.OutboxEmailBackend"
    mail.send_mail("Đặt lại mật khẩu", "Nội dung thư", None, ["to.thi.nga@example.vn"])
    message = OutboxMessage.objects.get()
    assert message.recipients == "to.thi.nga@example.vn"
    assert "Đặt lại mật khẩu" in client.get("/sandbox/").content.decode()
