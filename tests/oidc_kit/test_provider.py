"""The provider pieces VNeID and the national login service share."""

from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from oidc_kit.provider import add_issuer_parameter, bearer_error, presented_bearer_tokens


def test_iss_is_added_to_a_redirect_once_and_never_to_a_page():
    response = add_issuer_parameter(HttpResponseRedirect("https://rp.test/cb?code=1"), "https://op")
    assert response["Location"] == "https://rp.test/cb?code=1&iss=https%3A%2F%2Fop"
    again = add_issuer_parameter(response, "https://other")
    assert again["Location"].count("iss=") == 1
    page = add_issuer_parameter(HttpResponse("page"), "https://op")
    assert not page.has_header("Location")


def test_bearer_tokens_are_read_from_the_header_and_the_form():
    factory = RequestFactory()
    both = factory.post(
        "/u",
        "access_token=b",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION="Bearer a",
    )
    assert presented_bearer_tokens(both) == ["a", "b"]
    assert presented_bearer_tokens(factory.get("/u", {"access_token": "c"})) == []


def test_a_bearer_error_carries_its_challenge():
    plain = bearer_error(401, realm="op")
    assert plain["WWW-Authenticate"] == 'Bearer realm="op"'
    refused = bearer_error(401, realm="op", error="invalid_token", description="expired")
    assert refused["WWW-Authenticate"] == 'Bearer realm="op", error="invalid_token"'
    assert refused.status_code == 401
