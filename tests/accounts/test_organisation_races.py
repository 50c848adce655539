"""Two first VNeID logins of one organisation at the same moment end in one account."""

import threading

import pytest
from django.db import connection, connections

from accounts import organisations
from accounts.models import AuditEntry, OrganisationProfile, User

from .factories import OrganisationFactory

QUANG = "049085001234"


def _data(tax_code):
    return organisations.OrganisationData(
        tax_code=tax_code,
        enterprise_code=tax_code,
        kind="llc_single",
        name="Công ty TNHH Hội An Xanh",
    )


def _at_once(work, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def database_server():
    if connection.vendor == "sqlite":
        # The in-memory test database answers a concurrent writer "table is locked" at once.
        pytest.skip("needs a database server; run with DATABASE_URL=postgres://…")


@pytest.mark.django_db(transaction=True)
def test_two_first_logins_create_one_account(database_server):
    acting = organisations.ActingPerson(number=QUANG, role="legal_representative")

    results, errors = _at_once(
        lambda: organisations.log_in_organisation(
            vneid_sub="vneid-org-race", data=_data("0401234566"), acting=acting
        )
    )

    assert errors == []
    assert len({result.account.pk for result in results}) == 1
    assert User.objects.filter(username="0401234566").count() == 1
    assert AuditEntry.objects.filter(action="organisation_account_created").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_logins_inherit_the_legacy_account_once(database_server):
    legacy = OrganisationFactory()
    acting = organisations.ActingPerson(number=QUANG, role="legal_representative")

    results, errors = _at_once(
        lambda: organisations.log_in_organisation(
            vneid_sub="vneid-org-race", data=_data(legacy.username), acting=acting
        )
    )

    assert errors == []
    assert {result.account.pk for result in results} == {legacy.pk}
    assert sorted(result.outcome for result in results) == ["inherited", "logged_in"]
    assert OrganisationProfile.objects.get(account=legacy).vneid_sub == "vneid-org-race"
    assert AuditEntry.objects.filter(account=legacy, action="organisation_takeover").count() == 1
