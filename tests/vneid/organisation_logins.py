"""Organisations VNeID logins act for: an active e-ID with its representative, an accountant.

The e-ID rows are made directly (not through registration, tested on its own) so that these
tests exercise only the login: the chooser, the codes, the tokens and the claims.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vneid.models import (
    OrganisationAuthorisation,
    OrganisationEid,
    OrganisationRepresentative,
    VneidAccount,
)
from vneid.services import create_client

from .flows import REDIRECT_URI, RelyingParty
from .organisation_fixtures import DIENBAN_CODE

ORGANISATION_SCOPES = "openid profile vneid_identity vneid_organisation"


def make_organisation(representative: VneidAccount, **overrides: object) -> OrganisationEid:
    """Return an active e-ID whose only representative, confirmed, is representative."""
    citizen = representative.citizen
    fields: dict[str, object] = {
        "kind": "llc_single",
        "name": "Công ty TNHH Cơ khí Điện Bàn",
        "short_name": "CƠ KHÍ ĐIỆN BÀN",
        "foreign_name": "DIEN BAN MECHANICAL COMPANY LIMITED",
        "established_on": date(2015, 3, 12),
        "head_office_address": "KCN Điện Nam - Điện Ngọc, thị xã Điện Bàn, Quảng Nam",
        "tax_code": DIENBAN_CODE,
        "enterprise_code": DIENBAN_CODE,
        "registered_by": representative,
        "registered_by_name": citizen.full_name,
        "registered_by_number": citizen.cccd_number,
        "status": OrganisationEid.Status.ACTIVE,
        "activated_at": timezone.now(),
    }
    fields.update(overrides)
    organisation = OrganisationEid.objects.create(**fields)
    OrganisationRepresentative.objects.create(
        organisation=organisation,
        cccd_number=citizen.cccd_number,
        full_name=citizen.full_name,
        position="Giám đốc",
        account=representative,
        confirmed_at=timezone.now(),
    )
    return organisation


def authorise(
    organisation: OrganisationEid,
    grantee: VneidAccount,
    *,
    scope: str = OrganisationAuthorisation.Scope.DOSSIERS,
    valid_until: date | None = None,
) -> OrganisationAuthorisation:
    """Return an authorisation of grantee by the organisation's registering representative."""
    return OrganisationAuthorisation.objects.create(
        organisation=organisation,
        grantee=grantee,
        granted_by=organisation.registered_by,
        scope=scope,
        valid_until=valid_until or timezone.localdate() + timedelta(days=365),
    )


@pytest.fixture
def dienban(quang):
    """Công ty TNHH Cơ khí Điện Bàn: active, Quang its sole legal representative."""
    return make_organisation(quang)


@pytest.fixture
def mai_authorised(dienban, mai):
    """Mai, the accountant, authorised by Điện Bàn for its dossiers for a year."""
    return authorise(dienban, mai)


@pytest.fixture
def citizen_only_rp(db):
    """A service registered before organisation logins: it may not ask for them."""
    client, secret = create_client(
        name="Cổng DVC tỉnh Ninh Bình",
        redirect_uris=[REDIRECT_URI],
        scopes=["openid", "profile", "vneid_identity"],
    )
    return RelyingParty(client.client_id, secret)
