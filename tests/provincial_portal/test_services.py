"""The seeding API the training sandbox gives personas their provincial state with."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from provincial_portal import services
from provincial_portal.models import AuditEvent, ProvincialAccount, ProvincialDossier
from provincial_portal.services import ProvincialAccountSeed, ProvincialDossierSeed
from tests.personas import AN_CCCD, HOA_CCCD, NGA_CCCD, NGA_CMND

from .factories import AN_SEED, NGA_SEED, PROVINCIAL_PASSWORD, seed_nga_and_an

pytestmark = pytest.mark.django_db


def test_seeding_creates_legacy_accounts_with_hashed_passwords_and_dossiers():
    seed_nga_and_an()
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    assert nga.origin == ProvincialAccount.Origin.LEGACY
    assert (nga.cmnd_number, nga.cccd_number, nga.national_sub) == (NGA_CMND, "", "")
    assert nga.password != PROVINCIAL_PASSWORD and nga.check_password(PROVINCIAL_PASSWORD)
    assert nga.dossiers.count() == 2
    assert ProvincialAccount.objects.get(username=AN_SEED.username).cccd_number == AN_CCCD


def test_seeding_again_resets_the_account_and_its_dossiers_without_duplicates():
    seed_nga_and_an()
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    nga.national_sub, nga.cccd_number, nga.inherited_at = "sub-1", NGA_CCCD, timezone.now()
    nga.set_password("Changed@2026")
    nga.save()
    ProvincialDossier.objects.filter(account=nga).first().delete()

    seed_nga_and_an()

    nga.refresh_from_db()
    assert (nga.national_sub, nga.cccd_number, nga.inherited_at) == ("", "", None)
    assert nga.check_password(PROVINCIAL_PASSWORD)
    assert nga.dossiers.count() == 2
    assert ProvincialAccount.objects.count() == 2
    assert ProvincialDossier.objects.count() == 3


def test_seeding_gives_a_number_back_from_an_account_made_at_a_later_login():
    seed_nga_and_an()
    ProvincialAccount.objects.filter(username=AN_SEED.username).delete()
    ProvincialAccount.objects.create(
        username="vneid-new",
        password="!",
        full_name="Nguyễn Văn An",
        cccd_number=AN_CCCD,
        national_sub="sub-an",
        origin=ProvincialAccount.Origin.VNEID,
    )
    seed_nga_and_an()
    assert list(ProvincialAccount.objects.filter(cccd_number=AN_CCCD).values_list("username")) == [
        (AN_SEED.username,)
    ]


def test_summaries_are_keyed_by_the_number_given():
    seed_nga_and_an()
    summaries = services.account_summaries([NGA_CMND, AN_CCCD, HOA_CCCD])
    assert set(summaries) == {NGA_CMND, AN_CCCD}
    nga = summaries[NGA_CMND]
    assert (nga.username, nga.has_cccd, nga.dossier_count, nga.inherited) == (
        NGA_SEED.username,
        False,
        2,
        False,
    )
    an = summaries[AN_CCCD]
    assert (an.has_cccd, an.dossier_count, an.created_by_vneid) == (True, 1, False)


def test_an_inherited_account_is_summarised_as_inherited_under_both_numbers():
    seed_nga_and_an()
    ProvincialAccount.objects.filter(username=NGA_SEED.username).update(
        national_sub="sub-nga", cccd_number=NGA_CCCD
    )
    summaries = services.account_summaries([NGA_CMND, NGA_CCCD])
    assert summaries[NGA_CCCD].inherited and summaries[NGA_CMND].inherited


def test_delete_by_numbers_removes_accounts_dossiers_and_their_events():
    seed_nga_and_an()
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    AuditEvent.record(kind=AuditEvent.Kind.LOGIN, account=nga, detail="test")
    assert services.delete_by_numbers([NGA_CMND, HOA_CCCD]) == 1
    assert not ProvincialAccount.objects.filter(username=NGA_SEED.username).exists()
    assert ProvincialDossier.objects.count() == 1
    assert not AuditEvent.objects.exists()
    assert services.delete_by_numbers([]) == 0


def test_requests_answered_lists_the_hops_of_these_citizens_newest_first():
    seed_nga_and_an()
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    an = ProvincialAccount.objects.get(username=AN_SEED.username)
    since = timezone.now() - timedelta(minutes=1)
    old = AuditEvent.record(
        kind=AuditEvent.Kind.REQUEST_ANSWERED, account=nga, endpoint="callback", status_code=302
    )
    old.created_at = since - timedelta(minutes=5)
    old.save()
    AuditEvent.record(
        kind=AuditEvent.Kind.REQUEST_ANSWERED,
        account=nga,
        endpoint="dang-nhap",
        status_code=302,
        duration_ms=4,
    )
    AuditEvent.record(
        kind=AuditEvent.Kind.REQUEST_ANSWERED, account=nga, endpoint="callback", status_code=302
    )
    AuditEvent.record(kind=AuditEvent.Kind.REQUEST_ANSWERED, account=an, endpoint="callback")
    AuditEvent.record(kind=AuditEvent.Kind.LOGIN, account=nga, detail="not a hop")

    answered = services.requests_answered([NGA_CMND], since=since)

    assert [(a.endpoint, a.status_code) for a in answered] == [
        ("callback", 302),
        ("dang-nhap", 302),
    ]
    assert answered[1].duration_ms == 4
    assert answered[0].personal_id_number == NGA_CMND
    assert answered[0].masked_number != NGA_CMND and answered[0].masked_number.endswith("56")


def test_a_seeded_dossier_shows_its_status_in_vietnamese():
    seed = ProvincialAccountSeed(
        username="x",
        password="p",
        full_name="X",
        birth_date=date(2000, 1, 1),
        dossiers=(ProvincialDossierSeed("c", "p", "done", date(2023, 1, 1)),),
    )
    services.seed_accounts([seed])
    assert ProvincialDossier.objects.get().get_status_display() == "Đã trả kết quả"


def test_the_client_registration_names_every_address_and_the_logout_receivers(settings):
    registration = services.client_registration(
        ["http://127.0.0.1:8000/", "http://192.168.1.10:8080"]
    )
    assert registration.client_id == "qnam-portal-test"
    assert registration.client_secret == "qnam-portal-test-secret"
    assert registration.redirect_uris == (
        "http://127.0.0.1:8000/quang-nam/dang-nhap/callback/",
        "http://192.168.1.10:8080/quang-nam/dang-nhap/callback/",
    )
    assert registration.post_logout_redirect_uris[1] == "http://192.168.1.10:8080/quang-nam/"
    assert (
        registration.backchannel_logout_uri == "http://127.0.0.1:8000/quang-nam/backchannel-logout"
    )
    assert registration.frontchannel_logout_uri.endswith("/quang-nam/frontchannel-logout")
    with pytest.raises(ValueError):
        services.client_registration([])
