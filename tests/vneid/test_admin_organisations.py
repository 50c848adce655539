"""The officials' view of organisation e-IDs: masked numbers, locks and revocations with reasons."""

import pytest
from django.urls import reverse

from vneid import organisations
from vneid.models import AuditEvent, OrganisationAuthorisation, OrganisationEid

from .organisation_fixtures import DIENBAN_CODE, MAI_CCCD, QUANG_CCCD, active_company, in_days

pytestmark = pytest.mark.django_db

REASON = "Theo đề nghị của doanh nghiệp, công văn 12/CV"


def test_the_lists_show_numbers_masked(admin_client, quang, mai):
    company = active_company(quang)
    organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(9)
    )

    for name in ("organisationeid", "organisationrepresentative", "organisationauthorisation"):
        page = admin_client.get(reverse(f"admin:vneid_provider_{name}_changelist"))
        text = page.content.decode()
        assert page.status_code == 200
        assert DIENBAN_CODE not in text and QUANG_CCCD not in text and MAI_CCCD not in text
    detail = admin_client.get(
        reverse("admin:vneid_provider_organisationeid_change", args=[company.pk])
    )
    assert detail.status_code == 200
    assert "Đã xác nhận" in detail.content.decode()
    assert DIENBAN_CODE not in detail.content.decode()


def _action(admin_client, model, action, pks, **extra):
    return admin_client.post(
        reverse(f"admin:vneid_provider_{model}_changelist"),
        {"action": action, "_selected_action": pks, **extra},
    )


def test_locking_asks_for_a_reason_and_is_audited(admin_client, admin_user, quang):
    company = active_company(quang)

    asked = _action(admin_client, "organisationeid", "lock", [company.pk])
    assert asked.status_code == 200
    company.refresh_from_db()
    assert company.status == OrganisationEid.Status.ACTIVE
    _action(admin_client, "organisationeid", "lock", [company.pk], confirm="yes", reason=REASON)

    company.refresh_from_db()
    assert company.status == OrganisationEid.Status.LOCKED
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORGANISATION_CHANGED)
    assert (event.actor, event.reason) == (admin_user, REASON)
    assert event.changes == {"status": ["active", "locked"]}
    with pytest.raises(organisations.OrganisationRefused):
        organisations.acting_for(quang, company)

    _action(admin_client, "organisationeid", "unlock", [company.pk], confirm="yes", reason=REASON)
    company.refresh_from_db()
    assert company.status == OrganisationEid.Status.ACTIVE


def test_an_official_revokes_an_authorisation_with_a_reason(admin_client, admin_user, quang, mai):
    company = active_company(quang)
    authorisation = organisations.seed_authorisation(
        organisation=company, grantee=mai, granted_by=quang, scope="full", valid_until=in_days(9)
    )

    _action(
        admin_client,
        "organisationauthorisation",
        "revoke",
        [authorisation.pk],
        confirm="yes",
        reason=REASON,
    )

    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.AUTHORISATION_REVOKED)
    assert event.actor == admin_user
    assert MAI_CCCD not in event.detail
    assert OrganisationAuthorisation.objects.get().state == "revoked"


def test_officials_never_add_or_delete_eids(admin_client):
    assert admin_client.get(reverse("admin:vneid_provider_organisationeid_add")).status_code == 403
