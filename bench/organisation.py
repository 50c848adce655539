"""An organisation's VNeID login (sub = the organisation, act.sub = the person) against a citizen's.

Both round trips are the relying party's whole flow of bench/vneid.py (authorize with a VNeID
session → token exchange → ID token validated), on the same server in the same run, taken in
turn so that neither gets a warmer cache: the citizen's with `openid profile vneid_identity`, the
organisation's with `openid profile vneid_organisation`, whose login acts for an active e-ID.
The organisation's path adds the role check (`acting_for`) at code issue and at exchange and
the organisation's claims; the goal is that this costs at most a fifth more.
"""

import secrets
import statistics
from dataclasses import dataclass
from datetime import date

from .vneid import REDIRECT_URI, WARM_UP, RelyingParty, VneidFixtures, _timings

CITIZEN_SCOPE = "openid profile vneid_identity"
ORGANISATION_SCOPE = "openid profile vneid_organisation"
# Valid tax code (its tenth digit is the check digit of the first nine), fictional.
BENCH_TAX_CODE = "4016827353"


@dataclass
class OrganisationFixtures:
    citizen: VneidFixtures
    organisation: VneidFixtures
    organisation_sub: str
    person_number: str


def prepare():
    """Register a client, and start two VNeID logins: a citizen's and a representative's.

    The representative's login acts for an active organisation e-ID (seeded directly: the
    registration in the app is not what is measured). Django is already set up.
    """
    from django.db import connections
    from django.test import RequestFactory

    from citizen_registry.models import Citizen
    from vneid.login_state import start_login
    from vneid.organisations import RepresentativeSeat, seed_organisation, switch_login
    from vneid.services import create_client, ensure_vneid_account

    client, secret = create_client(name="Đo hiệu năng (tổ chức)", redirect_uris=[REDIRECT_URI])
    first, second = Citizen.objects.order_by("id")[:2]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    citizen = ensure_vneid_account(first, password=secrets.token_urlsafe(16), level=2)
    citizen_login = start_login(request, account=citizen)
    person = ensure_vneid_account(second, password=secrets.token_urlsafe(16), level=2)
    organisation = seed_organisation(
        enterprise_code=BENCH_TAX_CODE,
        kind="llc_single",
        name="Công ty TNHH Đo Hiệu Năng",
        established_on=date(2020, 1, 2),
        head_office_address="Hội An, Quảng Nam",
        registered_by=person,
        representatives=[
            RepresentativeSeat(cccd_number=second.cccd_number, full_name=second.full_name)
        ],
    )
    person_login = start_login(request, account=person)
    switch_login(login=person_login, organisation=organisation)
    connections.close_all()
    return OrganisationFixtures(
        citizen=VneidFixtures(client.client_id, secret, citizen_login.cookie_value),
        organisation=VneidFixtures(client.client_id, secret, person_login.cookie_value),
        organisation_sub=organisation.sub,
        person_number=second.cccd_number,
    )


def measure(base_url, fixtures, *, flows):
    """Return the medians of both round trips, taken in turn, and their ratio."""
    citizen = RelyingParty(base_url, fixtures.citizen)
    organisation = RelyingParty(base_url, fixtures.organisation)

    def citizen_flow():
        claims = citizen.flow(scope=CITIZEN_SCOPE)
        if "act" in claims:
            raise RuntimeError("a citizen's ID token carries act")

    def organisation_flow():
        claims = organisation.flow(scope=ORGANISATION_SCOPE)
        # The point of the row: the token speaks for the organisation, the person is in act.
        act = claims.get("act")
        if (
            claims.get("sub") != fixtures.organisation_sub
            or not isinstance(act, dict)
            or act.get("sub") != fixtures.person_number
        ):
            raise RuntimeError(f"the organisation's ID token is not one: {sorted(claims)}")

    for _ in range(WARM_UP):
        citizen_flow()
        organisation_flow()
    citizen_ms, organisation_ms = [], []
    for index in range(flows):
        # Each goes first every other time: neither pays for the other's unfinished work.
        if index % 2:
            organisation_ms += _timings(organisation_flow, 1)
            citizen_ms += _timings(citizen_flow, 1)
        else:
            citizen_ms += _timings(citizen_flow, 1)
            organisation_ms += _timings(organisation_flow, 1)
    citizen_median = statistics.median(citizen_ms)
    organisation_median = statistics.median(organisation_ms)
    return {
        "flows": flows,
        "citizen_median": citizen_median,
        "citizen_p95": statistics.quantiles(citizen_ms, n=100)[94],
        "organisation_median": organisation_median,
        "organisation_p95": statistics.quantiles(organisation_ms, n=100)[94],
        "ratio": organisation_median / citizen_median,
    }
