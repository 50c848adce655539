"""The trainer's dashboard and a seat's timeline follow "Tổ chức đăng nhập bằng VNeID".

Each step is what a system really recorded: the portal's legacy organisation login, VNeID's
registration (checked against the business registry, stubbed over HTTP here), the portal's
VNeID organisation login and its takeover.
"""

import pytest
import responses
from django.urls import reverse

from accounts.organisations import ActingPerson, OrganisationData, log_in_organisation
from sandbox.personas import VNEID_PASSWORD, ensure_personas
from sandbox.workspaces import create_class, workspace_organisations
from tests.personas import ORGANISATION_PASSWORD
from vneid import organisations as vneid_organisations
from vneid.services import account_of_number

pytestmark = pytest.mark.django_db

LOOKUP_URL = "http://127.0.0.1:8000/business-registry/api/v1/enterprises/lookup"


@pytest.fixture
def one_seat(db):
    ensure_personas()
    return create_class(name="Lớp tổ chức", seats=1)


def _hoian(training_class):
    workspace = training_class.workspaces.get()
    organisation, cccd_of = next(
        pair for pair in workspace_organisations(workspace) if pair[0].key == "hoian"
    )
    return workspace, organisation, cccd_of["quang"]


def _progress(client, training_class):
    response = client.get(reverse("sandbox:class_progress", args=[training_class.pk]))
    (seat,) = response.json()["seats"]
    return seat


def _registry_answer(organisation):
    return {
        "enterprise": {
            "enterprise_code": organisation.tax_code,
            "tax_code": organisation.tax_code,
            "kind": organisation.kind,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "foreign_name": organisation.foreign_name,
            "established_on": organisation.established_on.isoformat(),
            "head_office_address": organisation.head_office_address,
            "status": organisation.status,
            "representatives": [
                {
                    "cccd_number": rep.cccd_number,
                    "full_name": rep.full_name,
                    "position": rep.position,
                    "since": rep.since.isoformat(),
                    "until": rep.until.isoformat() if rep.until else None,
                }
                for rep in organisation.representatives
            ],
        }
    }


def _register(organisation, quang_cccd):
    with responses.RequestsMock() as registry:
        registry.post(LOOKUP_URL, json=_registry_answer(organisation))
        return vneid_organisations.register_organisation(
            account=account_of_number(quang_cccd),
            passcode=VNEID_PASSWORD,
            kind=organisation.kind,
            name=organisation.name,
            enterprise_code=organisation.tax_code,
        )


def test_the_dashboard_follows_the_organisation_walk_from_real_records(client, one_seat):
    workspace, hoian, quang_cccd = _hoian(one_seat)
    assert _progress(client, one_seat)["organisation_step"] == 0

    # Step 1: the legacy organisation account, through the portal's Tổ chức tab.
    response = client.post(
        reverse("accounts:organisation_login"),
        {
            "org-tax_code": hoian.tax_code,
            "org-password": ORGANISATION_PASSWORD,
            "org-captcha_0": "k",
            "org-captcha_1": "PASSED",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _progress(client, one_seat)["organisation_step"] == 1

    # Step 2: Quang registers Hội An in the VNeID app.
    eid = _register(hoian, quang_cccd)
    assert eid.status == "active"
    assert _progress(client, one_seat)["organisation_step"] == 2

    # Steps 3 and 4: the VNeID organisation login inherits the legacy account.
    log_in_organisation(
        vneid_sub=eid.sub,
        data=OrganisationData(
            tax_code=hoian.tax_code,
            enterprise_code=hoian.tax_code,
            kind=hoian.kind,
            name=hoian.name,
        ),
        acting=ActingPerson(number=quang_cccd, role="legal_representative"),
    )
    seat = _progress(client, one_seat)
    assert seat["organisation_step"] == 4
    assert seat["organisation_step_label"] == "Bước 4: Kế thừa tài khoản tổ chức cũ"
    # The citizen's guide is a walk of its own.
    assert seat["step"] == 0

    page = client.get(reverse("sandbox:seat_timeline", args=[workspace.code])).content.decode()
    for route in (
        "Tổ chức → Cổng DVCQG: đăng nhập tài khoản tổ chức cũ",
        "Ứng dụng VNeID: đăng ký định danh tổ chức",
        "Cổng DVCQG: kế thừa tài khoản tổ chức cũ",
    ):
        assert route in page
    assert hoian.tax_code not in page and quang_cccd not in page
    dashboard = client.get(reverse("sandbox:class_dashboard", args=[one_seat.pk])).content.decode()
    assert "Tổ chức đăng nhập bằng VNeID" in dashboard
    assert "Bước 4: Kế thừa tài khoản tổ chức cũ" in dashboard


def test_a_refused_registration_is_the_seats_last_error(client, one_seat):
    workspace = one_seat.workspaces.get()
    songhan, cccd_of = next(
        pair for pair in workspace_organisations(workspace) if pair[0].key == "songhan"
    )

    with pytest.raises(vneid_organisations.OrganisationRefused) as refused:
        _register_as(songhan, cccd_of["hung"])

    assert refused.value.code == "representative_changed"
    seat = _progress(client, one_seat)
    assert seat["last_error"] == vneid_organisations.MESSAGES["representative_changed"]
    assert seat["organisation_step"] == 0


def _register_as(organisation, cccd):
    with responses.RequestsMock() as registry:
        registry.post(LOOKUP_URL, json=_registry_answer(organisation))
        return vneid_organisations.register_organisation(
            account=account_of_number(cccd),
            passcode=VNEID_PASSWORD,
            kind=organisation.kind,
            name=organisation.name,
            enterprise_code=organisation.tax_code,
        )


def test_the_provinces_records_count_too(client, one_seat):
    workspace, hoian, _ = _hoian(one_seat)

    response = client.post(
        "/quang-nam/dang-nhap/to-chuc/",
        {
            "tax_code": hoian.tax_code,
            "password": ORGANISATION_PASSWORD,
            "captcha_0": "k",
            "captcha_1": "PASSED",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _progress(client, one_seat)["organisation_step"] == 1
    page = client.get(reverse("sandbox:seat_timeline", args=[workspace.code])).content.decode()
    assert "Tổ chức → Cổng tỉnh: đăng nhập tài khoản tổ chức cũ" in page
    assert hoian.tax_code not in page
