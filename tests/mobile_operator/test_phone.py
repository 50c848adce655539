import base64

import pytest

from mobile_operator import services
from mobile_operator.models import SigningRequest

from .conftest import PHONE, PIN


@pytest.fixture
def pending(sim, portal_client):
    return services.create_signing_request(
        client=portal_client,
        phone_number=PHONE,
        data_to_sign=b"challenge",
        display_text="Đăng nhập Cổng Dịch vụ công Quốc gia",
    )


@pytest.fixture
def handset(client, db):
    client.post("/nha-mang/dien-thoai/chon-so/", {"phone_number": "091 234 5678"})
    return client


def test_phone_asks_for_a_number_first(client, db):
    page = client.get("/nha-mang/dien-thoai/").content.decode()

    assert 'name="phone_number"' in page


def test_phone_refuses_a_malformed_number(client, db):
    response = client.post("/nha-mang/dien-thoai/chon-so/", {"phone_number": "12ab"})

    assert response.status_code == 400
    assert "Số điện thoại gồm 10 hoặc 11 chữ số" in response.content.decode()


def test_phone_shows_the_pending_request_with_its_confirmation_code(handset, pending):
    page = handset.get("/nha-mang/dien-thoai/").content.decode()

    assert pending.confirmation_code in page
    assert "Đăng nhập Cổng Dịch vụ công Quốc gia" in page


def test_phone_approves_with_the_pin(handset, pending):
    response = handset.post(
        f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/",
        {"decision": "approve", "pin": PIN},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.status == SigningRequest.Status.APPROVED
    assert "Đã ký xác nhận" in response.content.decode()


def test_phone_says_how_many_tries_a_wrong_pin_leaves(handset, pending):
    response = handset.post(
        f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/", {"decision": "approve", "pin": "1"}
    )

    assert response.status_code == 400
    assert "Bạn còn 2 lần thử" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SigningRequest.Status.PENDING


def test_phone_third_wrong_pin_locks_the_sim(handset, pending):
    for _ in range(2):
        handset.post(
            f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/", {"decision": "approve", "pin": "1"}
        )
    response = handset.post(
        f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/",
        {"decision": "approve", "pin": "1"},
        follow=True,
    )

    assert "Chức năng ký số của Sim đã bị khoá" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SigningRequest.Status.PIN_LOCKED


def test_phone_refuses_a_request(handset, pending):
    handset.post(f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/", {"decision": "refuse"})

    pending.refresh_from_db()
    assert pending.status == SigningRequest.Status.REFUSED


def test_another_phone_cannot_decide_the_request(client, pending):
    client.post("/nha-mang/dien-thoai/chon-so/", {"phone_number": "0987654321"})

    client.post(
        f"/nha-mang/dien-thoai/ky-so/{pending.public_id}/", {"decision": "approve", "pin": PIN}
    )

    pending.refresh_from_db()
    assert pending.status == SigningRequest.Status.PENDING


def test_phone_shows_the_sms_of_its_number_only(handset, portal_client):
    services.deliver_sms(client=portal_client, phone_number=PHONE, text="Mã OTP: 111222")
    services.deliver_sms(client=portal_client, phone_number="0987654321", text="Mã OTP: 999888")

    page = handset.get("/nha-mang/dien-thoai/").content.decode()

    assert "111222" in page
    assert "999888" not in page


def test_phone_is_not_served_without_the_sandbox(client, db, settings):
    settings.SANDBOX_ENABLED = False

    assert client.get("/nha-mang/dien-thoai/").status_code == 404


def test_signature_of_an_rsa_key_uses_pkcs1_v15(db):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    signature = services.signature_of(key, b"data")

    key.public_key().verify(signature, b"data", padding.PKCS1v15(), hashes.SHA256())
    assert base64.b64encode(signature)


def test_sim_key_is_kept_encrypted(sim):
    assert "ENCRYPTED PRIVATE KEY" in sim.private_key_pem


def test_phone_fingerprint_changes_when_an_sms_or_a_request_arrives(handset, sim, portal_client):
    before = handset.get("/nha-mang/dien-thoai/moi-nhat/").json()["latest"]
    page = handset.get("/nha-mang/dien-thoai/").content.decode()
    assert f'data-latest="{before}"' in page

    services.deliver_sms(client=portal_client, phone_number=PHONE, text="Mã OTP: 111222")
    after_sms = handset.get("/nha-mang/dien-thoai/moi-nhat/").json()["latest"]
    services.create_signing_request(
        client=portal_client, phone_number=PHONE, data_to_sign=b"x", display_text="Đăng nhập"
    )
    after_request = handset.get("/nha-mang/dien-thoai/moi-nhat/").json()["latest"]

    assert len({before, after_sms, after_request}) == 3
