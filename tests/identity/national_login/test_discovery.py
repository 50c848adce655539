"""Discovery and JWKS: what a portal's OpenID library reads before anything else."""

from identity.national_login.faults import set_fault

from .conftest import SERVICE_ISSUER


def test_discovery_names_every_endpoint_under_the_issuer(client, db):
    document = client.get("/xacthuc/.well-known/openid-configuration").json()
    assert document["issuer"] == SERVICE_ISSUER
    assert document["authorization_endpoint"] == f"{SERVICE_ISSUER}/oauth2/authorize"
    assert document["token_endpoint"] == f"{SERVICE_ISSUER}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{SERVICE_ISSUER}/oauth2/userinfo"
    assert document["jwks_uri"] == f"{SERVICE_ISSUER}/oauth2/jwks"
    assert document["end_session_endpoint"] == f"{SERVICE_ISSUER}/oauth2/logout"
    assert document["acr_values_supported"] == ["LoA1", "LoA2"]
    assert document["scopes_supported"] == ["openid"]
    assert document["backchannel_logout_supported"] is True
    assert document["backchannel_logout_session_supported"] is True
    assert document["frontchannel_logout_supported"] is True
    assert {"TechID", "SoDinhDanh", "loginIdp", "sid"} <= set(document["claims_supported"])


def test_jwks_publishes_one_public_rsa_key_with_a_kid(client, db):
    keys = client.get("/xacthuc/oauth2/jwks").json()["keys"]
    assert len(keys) == 1
    (key,) = keys
    assert key["kty"] == "RSA"
    assert key["kid"]
    assert "d" not in key and "p" not in key


def test_an_unknown_path_under_the_json_endpoints_answers_json(client, db):
    response = client.get("/xacthuc/oauth2/token/nothing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_fault_switch_takes_the_service_down_for_programs_and_people(client, db):
    set_fault("outage")
    refused = client.get("/xacthuc/.well-known/openid-configuration")
    assert refused.status_code == 503
    assert refused.json()["error"] == "temporarily_unavailable"
    page = client.get("/xacthuc/oauth2/authorize?client_id=x")
    assert page.status_code == 503
    assert "tạm ngừng hoạt động" in page.content.decode()
    set_fault("error")
    failing = client.post("/xacthuc/oauth2/token", {"grant_type": "authorization_code"})
    assert failing.status_code == 500
    assert failing.json()["error"] == "server_error"
    set_fault("none")
    assert client.get("/xacthuc/oauth2/jwks").status_code == 200
