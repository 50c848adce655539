from mobile_operator import services

from .conftest import PHONE


def test_admin_lists_sims_and_sms_with_masked_numbers_read_only(admin_client, sim, portal_client):
    services.deliver_sms(client=portal_client, phone_number=PHONE, text="Mã OTP: 123456")

    sims = admin_client.get("/admin/mobile_operator/sim/").content.decode()
    sms = admin_client.get("/admin/mobile_operator/smsmessage/").content.decode()

    assert "091*****78" in sims
    assert PHONE not in sims
    assert "091*****78" in sms
    assert "123456" not in sms
    assert admin_client.get("/admin/mobile_operator/sim/add/").status_code == 403
