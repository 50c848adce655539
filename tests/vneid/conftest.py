"""Named citizens with VNeID accounts, a registered relying party, and real flow helpers."""

import secrets

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client

from tests.citizen_registry.factories import CitizenFactory
from vneid.services import create_client, ensure_vneid_account

from .flows import (
    NGA_CCCD,
    NGA_CMND,
    OTHER_REDIRECT_URI,
    PASSWORD,
    POST_LOGOUT_URI,
    REDIRECT_URI,
    Pkce,
    RelyingParty,
    exchange,
    log_in_and_get_code,
)
from .organisation_fixtures import hung, mai, quang, registry, thu, tuan  # noqa: F401
from .organisation_logins import citizen_only_rp, dienban, mai_authorised  # noqa: F401


@pytest.fixture
def client():
    """A browser on the loopback host: Authlib refuses plain http anywhere else."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def nga(db):
    citizen = CitizenFactory(cccd_number=NGA_CCCD, cmnd_number=NGA_CMND, full_name="Tô Thị Nga")
    return ensure_vneid_account(citizen, password=PASSWORD, level=2)


@pytest.fixture
def level_one(db):
    """A level-1 citizen without an old CMND."""
    citizen = CitizenFactory(full_name="Lê Văn Bình", gender="male", cmnd_number="")
    return ensure_vneid_account(citizen, password=PASSWORD, level=1)


@pytest.fixture
def rp(db):
    client, secret = create_client(
        name="Cổng Dịch vụ công Quốc gia",
        redirect_uris=[REDIRECT_URI, OTHER_REDIRECT_URI],
        post_logout_redirect_uris=[POST_LOGOUT_URI],
    )
    return RelyingParty(client.client_id, secret)


@pytest.fixture
def other_rp(db):
    client, secret = create_client(name="Cổng DVC tỉnh Ninh Bình", redirect_uris=[REDIRECT_URI])
    return RelyingParty(client.client_id, secret)


@pytest.fixture
def pkce():
    verifier = secrets.token_urlsafe(48)
    return Pkce(verifier, create_s256_code_challenge(verifier))


@pytest.fixture
def tokens(client, nga, rp, pkce):
    """A completed flow for Nga: the token response as JSON."""
    code = log_in_and_get_code(client, rp, pkce)
    response = exchange(client, rp, code, pkce.verifier)
    assert response.status_code == 200, response.content
    return response.json()
