"""The API kit's client side: one transport loop, each client's own error types."""

import pytest
import requests
import responses

from accounts.ca_client import CaBadResponse, CaClient, CaTimeout, CaUnavailable
from accounts.operator_client import OperatorError
from accounts.registry_client import RegistryError
from api_kit.client import ApiCallError
from identity.relying_party.client import VneidError

CA = "http://ca.example/ca/"


@pytest.mark.parametrize("error", [RegistryError, OperatorError, VneidError, CaBadResponse])
def test_every_client_error_is_an_api_call_error(error):
    assert issubclass(error, ApiCallError)


@responses.activate
@pytest.mark.parametrize(
    ("answer", "error", "status"),
    [
        ({"body": requests.ConnectTimeout()}, CaTimeout, None),
        ({"body": requests.ConnectionError()}, CaUnavailable, None),
        ({"status": 503}, CaUnavailable, 503),
        ({"status": 404}, CaBadResponse, 404),
    ],
)
def test_the_transport_loop_raises_the_clients_own_errors(answer, error, status):
    responses.get(CA + "crl", **answer)
    with pytest.raises(error) as raised, CaClient(base_url=CA) as ca:
        ca._get("crl")
    assert raised.value.status == status


@responses.activate
def test_the_transport_loop_sends_the_timeout_and_returns_the_content():
    responses.get(CA + "root.crt", body=b"PEM")
    with CaClient(base_url=CA, timeout=1.5) as ca:
        assert ca._get("root.crt") == b"PEM"
    assert responses.calls[0].request.req_kwargs["timeout"] == 1.5
