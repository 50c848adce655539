"""Officials issue, revoke, renew certificates and unlock tokens, each with a reason."""

import pytest
from django.urls import reverse

from certificate_authority import services
from certificate_authority.models import Certificate, CertificateEvent, UsbToken
from tests.officials.conftest import REASON

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:certificate_authority_certificate_changelist")
ADD = reverse("admin:certificate_authority_certificate_add")


@pytest.fixture
def certificate():
    return services.issue_certificate(
        holder_name="Tô Thị Nga", id_kind="CMND", id_number="164438056", kind="usb_token"
    )


def _action(client, url, action, objects, reason):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    client.post(url, data)
    return client.post(url, {**data, "confirm": "yes", "reason": reason})


def test_the_system_administrator_issues_a_certificate_with_a_reason(official_client):
    client = official_client("system")
    response = client.post(
        ADD,
        {
            "holder_name": "Lê Thị Hoa",
            "id_kind": "CCCD",
            "id_number": "048 195 020 233",
            "kind": "software",
            "valid_days": "365",
            "reason": REASON,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issued = Certificate.objects.get()
    assert (issued.id_number, issued.kind) == ("048195020233", "software")
    event = issued.events.get()
    assert (event.action, event.actor, event.reason) == ("issued", client.official, REASON)


def test_issuing_without_a_reason_is_refused(official_client):
    client = official_client("system")
    response = client.post(
        ADD,
        {
            "holder_name": "Lê Thị Hoa",
            "id_kind": "CCCD",
            "id_number": "048195020233",
            "kind": "software",
            "valid_days": "365",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Vui lòng nhập lý do thay đổi." in response.content.decode()
    assert not Certificate.objects.exists()


def test_issuing_a_cccd_of_nine_digits_is_refused(official_client):
    client = official_client("system")
    response = client.post(
        ADD,
        {
            "holder_name": "Lê Thị Hoa",
            "id_kind": "CCCD",
            "id_number": "164438056",
            "kind": "software",
            "valid_days": "365",
            "reason": REASON,
        },
    )
    assert "CCCD gồm 12 chữ số" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_list_masks_the_id_numbers(official_client, certificate):
    page = official_client("system").get(CHANGELIST).content.decode()
    assert "CMND:1644***56" in page
    assert "164438056" not in page


def test_revoking_asks_for_a_reason_then_audits_it(official_client, certificate):
    client = official_client("system")
    refused = _action(client, CHANGELIST, "revoke_key_compromise", [certificate], "")
    assert refused.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    _action(client, CHANGELIST, "revoke_key_compromise", [certificate], REASON)
    certificate.refresh_from_db()
    assert certificate.revocation_reason == Certificate.RevocationReason.KEY_COMPROMISE
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.reason) == (client.official, REASON)


def test_renewing_issues_a_new_certificate(official_client, certificate):
    client = official_client("system")
    _action(client, CHANGELIST, "renew", [certificate], REASON)
    renewed = Certificate.objects.get(renewed_from=certificate)
    assert renewed.status == Certificate.Status.VALID
    certificate.refresh_from_db()
    assert certificate.revocation_reason == Certificate.RevocationReason.SUPERSEDED


def test_unlocking_a_token_from_the_admin(official_client, certificate):
    token = services.create_usb_token(certificate=certificate, pin="246810")
    UsbToken.objects.filter(pk=token.pk).update(failed_pin_attempts=3)
    client = official_client("system")
    url = reverse("admin:certificate_authority_usbtoken_changelist")
    _action(client, url, "unlock", [token], REASON)
    token.refresh_from_db()
    assert not token.is_locked


def test_an_account_officer_cannot_reach_the_certificates(official_client, certificate):
    client = official_client("account")
    assert client.get(CHANGELIST).status_code == 403
    _action(client, CHANGELIST, "revoke_key_compromise", [certificate], REASON)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_certificates_cannot_be_edited_or_deleted(official_client, certificate):
    client = official_client("system")
    change = reverse("admin:certificate_authority_certificate_change", args=[certificate.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="holder_name"' not in page.content.decode()
    delete = reverse("admin:certificate_authority_certificate_delete", args=[certificate.pk])
    assert client.get(delete).status_code == 403


def _issue_for(client, id_kind, id_number):
    return client.post(
        ADD,
        {
            "holder_name": "Lê Thị Hoa",
            "id_kind": id_kind,
            "id_number": id_number,
            "kind": "software",
            "valid_days": "365",
            "reason": REASON,
        },
    )


@pytest.mark.parametrize(
    ("id_kind", "id_number"), [("CCCD", "٠٤٨١٩٥٠٢٠٢٣٣"), ("CMND", "١٦٤٤٣٨٠٥٦")]
)
def test_issuing_for_arabic_indic_digits_is_refused(official_client, id_kind, id_number):
    response = _issue_for(official_client("system"), id_kind, id_number)

    assert "CCCD gồm 12 chữ số" in response.content.decode()
    assert not Certificate.objects.exists()


def test_issuing_for_a_number_typed_in_full_width_digits_keeps_its_ascii_digits(official_client):
    response = _issue_for(official_client("system"), "CCCD", "０４８１９５０２０２３３\n")

    assert response.status_code == 302
    assert Certificate.objects.get().id_number == "048195020233"
