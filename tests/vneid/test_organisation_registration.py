"""Registering an organisation e-ID: checked against the business registry, each refusal its own."""

import json
import threading

import pytest
import requests
import responses
from django.db import connection, connections

from vneid import organisations
from vneid.models import AuditEvent, OrganisationEid, OrganisationRepresentative
from vneid.organisations import OrganisationRefused

from .flows import PASSWORD
from .organisation_fixtures import (
    HOIAN_CODE,
    HUNG_CCCD,
    LOOKUP_URL,
    QUANG_CCCD,
    SONTRA_CODE,
    THU_CCCD,
    TUAN_CCCD,
    WRONG_CHECK_DIGIT,
    answer,
    enterprise,
    register,
    representative,
)

pytestmark = pytest.mark.django_db


def _refused(account, **overrides) -> OrganisationRefused:
    with pytest.raises(OrganisationRefused) as caught:
        register(account, **overrides)
    return caught.value


def _sontra(**overrides):
    return enterprise(
        SONTRA_CODE,
        name="Công ty Cổ phần Du lịch Sơn Trà",
        kind="joint_stock",
        representatives=[
            representative(THU_CCCD, "Vũ Thị Thu"),
            representative(TUAN_CCCD, "Bùi Anh Tuấn"),
        ],
        **overrides,
    )


def test_the_sole_representative_registers_and_the_eid_is_active_at_once(registry, quang):
    answer(registry, enterprise())

    organisation = register(quang)

    assert organisation.status == OrganisationEid.Status.ACTIVE
    assert organisation.activated_at is not None
    assert (organisation.enterprise_code, organisation.tax_code) == (HOIAN_CODE, HOIAN_CODE)
    assert organisation.short_name == "HOI AN XANH CO., LTD"
    assert organisation.registered_by == quang
    assert organisation.registered_by_number == QUANG_CCCD
    assert organisation.registered_by_name == "Đặng Văn Quang"
    assert organisation.eid_code.startswith("TC")
    assert len(organisation.identification_number) == 14
    (rep,) = organisation.representatives.all()
    assert (rep.account, rep.confirmed_at is not None) == (quang, True)
    sent = json.loads(registry.calls[0].request.body)
    assert sent["enterprise_code"] == HOIAN_CODE
    assert sent["purpose"] == "organisation_eid_registration"
    assert organisations.acting_for(quang, organisation).role == "legal_representative"
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert "organisation_registered" in kinds and "organisation_activated" in kinds
    assert not any(HOIAN_CODE in d for d in AuditEvent.objects.values_list("detail", flat=True))


def test_name_is_compared_regardless_of_case_spacing_and_unicode_form(registry, quang):
    answer(registry, enterprise())
    decomposed = "công  ty tnhh HỘI AN XANH ".replace("Ộ", "O\u0323\u0302")

    assert register(quang, name=decomposed).name == "Công ty TNHH Hội An Xanh"


def test_several_representatives_make_a_pending_eid_until_all_confirm(registry, thu, tuan):
    answer(registry, _sontra())

    organisation = register(
        thu, kind="joint_stock", name="Công ty Cổ phần Du lịch Sơn Trà", enterprise_code=SONTRA_CODE
    )

    assert organisation.status == OrganisationEid.Status.PENDING
    reps = {r.cccd_number: r for r in organisation.representatives.all()}
    assert reps[THU_CCCD].confirmed_at is not None
    assert reps[TUAN_CCCD].confirmed_at is None
    assert reps[TUAN_CCCD].account == tuan
    organisations.confirm_registration(account=tuan, organisation=organisation, passcode=PASSWORD)
    organisation.refresh_from_db()
    assert organisation.status == OrganisationEid.Status.ACTIVE


def test_the_passcode_is_the_account_password(registry, quang):
    refusal = _refused(quang, passcode="123456")

    assert refusal.code == "wrong_passcode"
    assert not OrganisationEid.objects.exists()


def test_a_level_one_account_cannot_register(registry, quang):
    quang.assurance_level = 1
    quang.save()

    assert _refused(quang).code == "not_level_2"


def test_a_tax_code_with_a_wrong_check_digit_is_refused_before_asking_the_registry(registry, quang):
    refusal = _refused(quang, enterprise_code=WRONG_CHECK_DIGIT)

    assert refusal.code == "invalid_tax_code"
    assert "chữ số kiểm tra" in refusal.message
    assert len(registry.calls) == 0
    assert not OrganisationEid.objects.exists()


def test_an_enterprise_the_registry_does_not_know_is_refused(registry, quang):
    answer(registry, {"error": "not_found", "message": "Không tìm thấy"}, status=404)

    assert _refused(quang).code == "enterprise_not_found"


def test_a_non_representative_is_refused_with_the_registry_wording(registry, mai):
    answer(registry, enterprise())

    refusal = _refused(mai)

    assert refusal.code == "not_representative"
    assert organisations.MISMATCH in refusal.message
    assert not OrganisationEid.objects.exists()
    assert not OrganisationRepresentative.objects.exists()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.ORGANISATION_REFUSED, detail__startswith="not_representative"
    ).exists()


def test_a_former_representative_is_told_the_representative_changed(registry, hung):
    answer(
        registry,
        enterprise(
            representatives=[
                representative(HUNG_CCCD, "Mai Văn Hùng", until="2025-03-01"),
                representative(QUANG_CCCD, "Đặng Văn Quang"),
            ]
        ),
    )

    refusal = _refused(hung)

    assert refusal.code == "representative_changed"
    assert "thay đổi người đại diện" in refusal.message


def test_a_name_that_does_not_match_the_registry_is_refused(registry, quang):
    answer(registry, enterprise())

    refusal = _refused(quang, name="Công ty TNHH Hội An Xanh Lá")

    assert refusal.code == "name_mismatch"
    assert organisations.MISMATCH in refusal.message


def test_a_kind_that_does_not_match_the_registry_is_refused(registry, quang):
    answer(registry, enterprise())

    assert _refused(quang, kind="joint_stock").code == "kind_mismatch"


def test_an_unknown_kind_is_refused_before_asking(registry, quang):
    assert _refused(quang, kind="corporation").code == "invalid_kind"


@pytest.mark.parametrize(
    ("status", "code"), [("dissolved", "dissolved"), ("suspended", "suspended")]
)
def test_a_dissolved_or_suspended_enterprise_is_refused(registry, quang, status, code):
    answer(registry, enterprise(status=status))

    refusal = _refused(quang)

    assert refusal.code == code
    assert not OrganisationEid.objects.exists()


def test_a_registry_fault_is_a_system_fault_not_the_persons_mistake(registry, quang):
    registry.add(responses.POST, LOOKUP_URL, body=requests.ConnectionError("down"))

    refusal = _refused(quang)

    assert refusal.code == "registry_unavailable"
    assert refusal.status == 503
    assert "không phải do thông tin bạn nhập" in refusal.message
    assert not OrganisationEid.objects.exists()


def test_a_registry_server_error_is_a_system_fault(registry, quang):
    answer(registry, {"error": "server_error"}, status=500)

    assert _refused(quang).code == "registry_unavailable"


def test_a_second_registration_of_the_same_enterprise_is_told_to_confirm_instead(
    registry, thu, tuan
):
    answer(registry, _sontra())
    register(
        thu, kind="joint_stock", name="Công ty Cổ phần Du lịch Sơn Trà", enterprise_code=SONTRA_CODE
    )

    refusal = _refused(
        tuan,
        kind="joint_stock",
        name="Công ty Cổ phần Du lịch Sơn Trà",
        enterprise_code=SONTRA_CODE,
    )

    assert refusal.code == "already_registered"
    assert "Xác nhận đăng ký" in refusal.message
    assert OrganisationEid.objects.count() == 1


def test_two_representatives_at_the_same_moment_make_exactly_one_eid(
    registry, thu, tuan, monkeypatch
):
    """Sequential race: both passed the "not yet registered" check before either inserted."""
    answer(registry, _sontra())
    answer(registry, _sontra())
    values = {
        "kind": "joint_stock",
        "name": "Công ty Cổ phần Du lịch Sơn Trà",
        "enterprise_code": SONTRA_CODE,
    }
    # The early check is only a courtesy; the unique enterprise code is what keeps one e-ID.
    monkeypatch.setattr(organisations, "_already_registered", lambda account, code: None)

    register(thu, **values)
    refusal = _refused(tuan, **values)

    assert refusal.code == "already_registered"
    assert OrganisationEid.objects.count() == 1
    assert OrganisationRepresentative.objects.count() == 2


@pytest.mark.skipif(
    "sqlite" in connection.vendor, reason="threads need a database with concurrent writers"
)
@pytest.mark.django_db(transaction=True)
def test_two_representatives_registering_in_parallel_make_exactly_one_eid(
    registry, thu, tuan, monkeypatch
):
    answer(registry, _sontra())
    answer(registry, _sontra())
    values = {
        "kind": "joint_stock",
        "name": "Công ty Cổ phần Du lịch Sơn Trà",
        "enterprise_code": SONTRA_CODE,
    }
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    real_check = organisations._already_registered

    def check_together(account, code):
        # Both have passed the early check before either goes on: the same moment.
        real_check(account, code)
        barrier.wait(timeout=10)

    monkeypatch.setattr(organisations, "_already_registered", check_together)

    def run(account):
        try:
            register(account, **values)
            outcomes.append("registered")
        except OrganisationRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in (thu, tuan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already_registered", "registered"]
    assert OrganisationEid.objects.count() == 1
    assert OrganisationRepresentative.objects.count() == 2
