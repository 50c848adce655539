import uuid

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Dossier
from tests.accounts.factories import UserFactory

SERVICE_URL = "/dich-vu-cong/cap-phieu-ly-lich-tu-phap/"


def _application(token=None, **overrides):
    return {
        "submission_token": str(token or uuid.uuid4()),
        "certificate_type": "1",
        "purpose": "Bổ sung hồ sơ xin việc",
        "copies": "2",
        "delivery": "in_person",
        "delivery_address": "",
        **overrides,
    }


@pytest.fixture
def citizen(db):
    return UserFactory(full_name="Nguyễn Văn An", cccd_number="001085004321")


def test_eservice_requires_login_and_keeps_the_destination(client, db):
    response = client.get(SERVICE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/dich-vu-cong/cap-phieu-ly-lich-tu-phap/" in response["Location"]


def test_eservice_files_a_dossier_visible_in_my_dossiers(client, citizen):
    client.force_login(citizen)
    response = client.post(SERVICE_URL, _application(), follow=True)
    dossier = Dossier.objects.get(owner=citizen)
    assert dossier.status == Dossier.Status.RECEIVED
    assert dossier.details["copies"] == 2
    assert dossier.procedure_name == "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"
    html = response.content.decode()
    assert f"Mã hồ sơ của bạn là {dossier.code}" in html
    assert dossier.code in client.get(reverse("portal:dossiers")).content.decode()


def test_a_double_submit_files_one_dossier(client, citizen):
    client.force_login(citizen)
    token = uuid.uuid4()
    client.post(SERVICE_URL, _application(token))
    response = client.post(SERVICE_URL, _application(token), follow=True)
    assert Dossier.objects.filter(owner=citizen).count() == 1
    assert "không tạo hồ sơ trùng lặp" in response.content.decode()


def test_another_persons_token_files_my_own_dossier_and_reveals_nothing(client, citizen):
    other = UserFactory(cccd_number="079078088012")
    token = uuid.uuid4()
    their_browser = Client()
    their_browser.force_login(other)
    their_browser.post(SERVICE_URL, _application(token))
    their_code = Dossier.objects.get(owner=other).code
    client.force_login(citizen)

    response = client.post(SERVICE_URL, _application(token), follow=True)

    html = response.content.decode()
    assert their_code not in html
    assert "không tạo hồ sơ trùng lặp" not in html
    mine = Dossier.objects.get(owner=citizen)
    assert f"Mã hồ sơ của bạn là {mine.code}" in html
    assert Dossier.objects.filter(owner=other).count() == 1


def test_delivery_by_post_needs_an_address_and_keeps_what_was_typed(client, citizen):
    client.force_login(citizen)
    response = client.post(
        SERVICE_URL, _application(delivery="post", purpose="Du học tại Nhật Bản")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vui lòng nhập địa chỉ để nhận kết quả qua bưu chính." in html
    assert "Du học tại Nhật Bản" in html
    assert not Dossier.objects.exists()


def test_my_dossiers_lists_only_my_own(client, citizen):
    other = UserFactory(cccd_number="079078088012")
    Dossier.objects.create(
        code="G22.240101.000001", procedure_code="x", procedure_name="Của tôi", owner=citizen
    )
    Dossier.objects.create(
        code="G22.240101.000002", procedure_code="x", procedure_name="Của người khác", owner=other
    )
    client.force_login(citizen)
    html = client.get(reverse("portal:dossiers")).content.decode()
    assert "G22.240101.000001" in html
    assert "G22.240101.000002" not in html


def test_an_official_completing_a_dossier_dates_it_and_reopening_clears_the_date(
    admin_client, citizen
):
    dossier = Dossier.objects.create(
        code="G22.240101.000003", procedure_code="x", procedure_name="Thủ tục", owner=citizen
    )
    url = reverse("admin:portal_dossier_change", args=[dossier.pk])

    admin_client.post(url, {"status": "completed", "reason": "Đã trả kết quả"})
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.COMPLETED
    assert dossier.completed_at is not None

    admin_client.post(url, {"status": "processing", "reason": "Bổ sung xử lý lại"})
    dossier.refresh_from_db()
    assert (dossier.status, dossier.completed_at) == (Dossier.Status.PROCESSING, None)


def test_an_organisation_files_no_personal_criminal_record_request(client, db):
    from tests.accounts.factories import OrganisationFactory

    organisation = OrganisationFactory()
    client.force_login(organisation)

    shown = client.get(SERVICE_URL)
    posted = client.post(SERVICE_URL, _application(), follow=True)

    assert shown.status_code == 302
    assert shown["Location"] == "/thong-tin-va-dich-vu/"
    assert "dành cho cá nhân; tài khoản tổ chức không nộp được hồ sơ này" in posted.content.decode()
    assert not Dossier.objects.exists()
