"""The sandbox console's part for the mobile operator: its fault switch, SMS and portal key."""

import json
import re

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from api_kit.keys import hash_secret as hash_api_key
from certificate_authority import services as ca
from certificate_authority.models import Certificate
from citizen_registry.faults import current_fault as registry_fault
from mobile_operator import faults as operator_faults
from mobile_operator.models import ApiClient, Sim, SmsMessage
from mobile_operator.services import ensure_api_client
from sandbox.personas import ensure_personas, register_portal, reset_persona


def test_console_switches_the_operator_fault_alone(client, db):
    response = client.post(
        "/sandbox/faults/operator/",
        {"operator-mode": "latency", "operator-latency_ms": "5000"},
        follow=True,
    )

    page = response.content.decode()
    assert "nhà mạng (Sim ký số, SMS): Chậm (thêm độ trễ)." in page
    assert 'data-testid="operator-fault"' in page
    fault = operator_faults.current_fault()
    assert (fault.mode, fault.latency_ms) == ("latency", 5000)
    assert registry_fault().mode == "none"


def test_console_lists_the_sms_the_operator_delivered(client, db):
    sender = ensure_api_client(name="Cổng Dịch vụ công Quốc gia", raw_key="dvcm_console_test")
    SmsMessage.objects.create(phone_number="0912345678", sender=sender.name, text="Mã OTP 424242")

    page = client.get("/sandbox/").content.decode()

    assert 'data-testid="sms-outbox"' in page
    assert "Mã OTP 424242" in page


def test_register_portal_gives_the_portal_its_operator_key(db):
    register_portal(base_urls=["http://127.0.0.1:8000"])

    client = ApiClient.objects.get()
    assert client.key_hash == hash_api_key(settings.MOBILE_OPERATOR["API_KEY"])


def test_every_persona_with_a_phone_gets_a_signing_sim_from_the_sandbox_ca(db, capsys):

    ensure_personas()
    call_command("personas", "--json")
    by_key = {item["key"]: item for item in json.loads(capsys.readouterr().out)}

    nga = by_key["nga"]["sim"]
    assert nga["phone"] == "0912345678"
    assert nga["pin"] == "111222"
    assert nga["locked"] is False
    certificate = Certificate.objects.get(serial_number=nga["serial"])
    assert certificate.kind == Certificate.Kind.SIGNING_SIM
    assert certificate.subject_uid == "CMND:164438056"
    assert nga["certificate_pem"] == certificate.certificate_pem
    assert by_key["an"]["sim"]["phone"] == "0987654321"
    assert by_key["hoa"]["sim"] is None


def test_reset_unlocks_the_sim_and_replaces_a_revoked_certificate(db):
    ensure_personas()
    sim = Sim.objects.get(phone_number="0912345678")
    old_pem = sim.certificate_pem
    certificate = Certificate.objects.get(certificate_pem=old_pem)
    ca.revoke_certificate(certificate=certificate, revocation_reason="key_compromise")
    Sim.objects.filter(pk=sim.pk).update(pin_failures=3, locked_at=timezone.now())

    reset_persona("nga")

    sim.refresh_from_db()
    assert not sim.is_locked
    assert sim.certificate_pem != old_pem


def test_console_shows_each_persona_sim_phone_and_pin(client, db):
    ensure_personas()

    page = client.get("/sandbox/").content.decode()

    row = re.search(r'<tr data-testid="sim-nga">(.*?)</tr>', page, re.S).group(1)
    assert '<td data-label="Số điện thoại">0912345678</td>' in row
    assert "<code>111222</code>" in row
