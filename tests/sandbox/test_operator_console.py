"""The sandbox console's part for the mobile operator: its fault switch, SMS and portal key."""

from django.conf import settings

from citizen_registry.faults import current_fault as registry_fault
from mobile_operator import faults as operator_faults
from mobile_operator.models import ApiClient, SmsMessage
from mobile_operator.services import ensure_api_client, hash_api_key
from sandbox.personas import register_portal


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
    assert client.key_hash == hash_api_key(settings.MOBILE_OPERATOR_API_KEY)
