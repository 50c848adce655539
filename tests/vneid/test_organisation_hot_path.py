"""An organisation login's role check on the hot path (authorize and token): few queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vneid.organisations import (
    AUTHORISED_PERSON,
    LEGAL_REPRESENTATIVE,
    OrganisationRefused,
    RepresentativeSeat,
    acting_for,
    seed_authorisation,
    seed_organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoian(quang):
    return seed_organisation(
        enterprise_code="4016827353",
        kind="llc_single",
        name="Công ty TNHH Hội An Xanh",
        established_on=date(2016, 3, 22),
        head_office_address="Hội An",
        registered_by=quang,
        representatives=[
            RepresentativeSeat(cccd_number=quang.personal_id_number, full_name="Đặng Văn Quang")
        ],
    )


def test_a_representative_is_known_in_one_query(quang, hoian, django_assert_num_queries):
    with django_assert_num_queries(1):
        acting = acting_for(quang, hoian.pk)

    assert acting.role == LEGAL_REPRESENTATIVE


def test_an_authorised_person_costs_one_query_more_and_keeps_every_refusal(
    quang, mai, hoian, django_assert_num_queries
):
    authorisation = seed_authorisation(
        organisation=hoian,
        grantee=mai,
        granted_by=quang,
        scope="dossiers",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    with django_assert_num_queries(2):
        acting = acting_for(mai, hoian.sub)
    assert (acting.role, acting.scope) == (AUTHORISED_PERSON, "dossiers")

    authorisation.revoked_at = timezone.now()
    authorisation.save()
    with pytest.raises(OrganisationRefused) as refused:
        acting_for(mai, hoian)
    assert refused.value.code == "authorisation_revoked"
