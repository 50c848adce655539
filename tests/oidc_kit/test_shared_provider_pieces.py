"""The pieces both providers share, on their own (the providers' suites check them in use)."""

import pytest

from oidc_kit.clients import clean_uris, stored_redirect_uris
from oidc_kit.code_flow import issuer_at
from oidc_kit.hops import flow_digest


def test_the_configured_issuer_wins_without_its_trailing_slash():
    issuer = issuer_at("http://lan:8000/x", configured="https://id.example/", path="/vneid")
    assert issuer == "https://id.example"


def test_without_a_configured_issuer_it_is_the_request_host_and_the_issuer_path():
    issuer = issuer_at("http://192.168.1.10:8080/a/b?c=d", configured="", path="/xacthuc")
    assert issuer == "http://192.168.1.10:8080/xacthuc"


def test_a_flow_digest_needs_both_client_and_state():
    assert flow_digest("", "state") == ""
    assert flow_digest("client", "") == ""
    digest = flow_digest("client", "state")
    assert len(digest) == 16
    assert digest == flow_digest("client", "state") != flow_digest("client", "other")


def test_redirect_uris_are_stored_one_a_line_and_one_is_required():
    assert clean_uris([" https://a/cb ", "", "  "]) == ["https://a/cb"]
    assert stored_redirect_uris(["https://a/cb", " https://b/cb"]) == "https://a/cb\nhttps://b/cb"
    with pytest.raises(ValueError, match="at least one redirect URI"):
        stored_redirect_uris(["", " "])
