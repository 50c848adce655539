"""Discovery lists exactly what the provider supports, with absolute endpoint URLs."""

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet


def test_discovery_document_describes_the_provider(client, db):
    response = client.get("/vneid/.well-known/openid-configuration")

    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == "http://localhost/vneid"
    assert document["authorization_endpoint"] == "http://localhost/vneid/authorize"
    assert document["token_endpoint"] == "http://localhost/vneid/token"
    assert document["userinfo_endpoint"] == "http://localhost/vneid/userinfo"
    assert document["jwks_uri"] == "http://localhost/vneid/jwks"
    assert document["response_types_supported"] == ["code"]
    assert document["grant_types_supported"] == ["authorization_code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["scopes_supported"] == [
        "openid",
        "profile",
        "vneid_identity",
        "vneid_organisation",
    ]
    assert document["acr_values_supported"] == ["vneid:level1", "vneid:level2"]
    assert set(document["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert document["request_uri_parameter_supported"] is False
    assert document["end_session_endpoint"] == "http://localhost/vneid/logout"
    assert {"personal_id_number", "old_cmnd_number", "acr"} <= set(document["claims_supported"])
    assert document["prompt_values_supported"] == ["none", "login", "select_account"]


def test_discovery_lists_every_claim_of_an_organisation_login(client, db):
    claims = set(client.get(reverse("vneid:discovery")).json()["claims_supported"])
    assert {
        "act",
        "account_type",
        "organisation_role",
        "authorisation_scope",
        "organisation_eid",
        "organisation_id_number",
        "organisation_name",
        "organisation_short_name",
        "organisation_foreign_name",
        "organisation_kind",
        "establishment_date",
        "head_office_address",
        "tax_code",
        "enterprise_code",
        "legal_representative_name",
        "legal_representative_id_number",
    } <= claims


def test_configured_issuer_wins_over_the_request_host(client, db, settings):
    settings.VNEID_PROVIDER = {
        **settings.VNEID_PROVIDER,
        "ISSUER": "https://vneid.sandbox.example/vneid/",
    }

    document = client.get(reverse("vneid:discovery")).json()

    assert document["issuer"] == "https://vneid.sandbox.example/vneid"
    assert document["token_endpoint"] == "https://vneid.sandbox.example/vneid/token"


def test_id_token_issuer_matches_discovery(client, tokens):
    document = client.get(reverse("vneid:discovery")).json()
    jwks = KeySet.import_key_set(client.get(document["jwks_uri"]).json())

    claims = jwt.decode(tokens["id_token"], jwks, algorithms=["RS256"]).claims

    assert claims["iss"] == document["issuer"]


def test_discovery_advertises_the_iss_authorization_response_parameter(client, db):
    document = client.get(reverse("vneid:discovery")).json()

    assert document["authorization_response_iss_parameter_supported"] is True
    assert document["response_modes_supported"] == ["query"]


@pytest.mark.parametrize("name", ["vneid:discovery", "vneid:jwks"])
def test_head_answers_like_get_without_a_body(client, db, name):
    get = client.get(reverse(name))
    head = client.head(reverse(name))

    assert head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


@pytest.mark.parametrize("name", ["vneid:discovery", "vneid:jwks"])
def test_browser_applications_of_any_origin_may_read_the_metadata(client, db, name):
    response = client.get(reverse(name), HTTP_ORIGIN="https://spa.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
