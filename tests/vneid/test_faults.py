"""The sandbox's VNeID fault switch, as relying parties and citizens meet it."""

import pytest

from vneid.faults import current_fault, set_fault
from vneid.services import create_client

DISCOVERY = "/vneid/.well-known/openid-configuration"


@pytest.fixture
def vneid_client(client):
    client.defaults["HTTP_HOST"] = "localhost"
    return client


def test_vneid_answers_normally_until_a_fault_is_switched_on(vneid_client, db):
    assert current_fault().mode == "none"
    assert vneid_client.get(DISCOVERY).status_code == 200


@pytest.mark.parametrize(
    ("mode", "status", "error"),
    [("outage", 503, "temporarily_unavailable"), ("error", 500, "server_error")],
)
def test_server_to_server_endpoints_refuse_with_an_oauth_error(
    vneid_client, db, mode, status, error
):
    set_fault(mode)
    for path in (DISCOVERY, "/vneid/jwks"):
        response = vneid_client.get(path)
        assert response.status_code == status
        assert response.json()["error"] == error
    response = vneid_client.post("/vneid/token", {"grant_type": "authorization_code"})
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_login_page_says_vneid_is_down_in_vietnamese(vneid_client, db):
    set_fault("outage")
    response = vneid_client.get("/vneid/authorize", {"client_id": "any"})
    assert response.status_code == 503
    assert "Hệ thống VNeID đang tạm ngừng hoạt động" in response.content.decode()


def test_latency_delays_the_answer_then_serves_it(vneid_client, db, monkeypatch):
    slept = []
    monkeypatch.setattr("fault_switch.switch.time.sleep", slept.append)
    set_fault("latency", latency_ms=1500)
    assert vneid_client.get(DISCOVERY).status_code == 200
    assert slept == [1.5]


def test_set_fault_refuses_unknown_modes_and_negative_latency(db):
    with pytest.raises(ValueError):
        set_fault("fire")
    with pytest.raises(ValueError):
        set_fault("latency", latency_ms=-1)
    set_fault("latency", latency_ms=10)
    set_fault("none", latency_ms=10)
    assert (current_fault().mode, current_fault().latency_ms) == ("none", 0)


def test_outage_page_links_back_to_the_registered_service(vneid_client, db):
    client, _secret = create_client(
        name="Cổng DVC", redirect_uris=["https://dichvucong.example/dang-nhap/vneid/callback/"]
    )
    set_fault("outage")

    response = vneid_client.get(
        "/vneid/authorize",
        {
            "client_id": client.client_id,
            "redirect_uri": "https://dichvucong.example/dang-nhap/vneid/callback/",
        },
    )

    assert response.status_code == 503
    assert 'href="https://dichvucong.example/"' in response.content.decode()


def test_outage_page_never_links_to_an_unregistered_address(vneid_client, db):
    client, _secret = create_client(
        name="Cổng DVC", redirect_uris=["https://dichvucong.example/dang-nhap/vneid/callback/"]
    )
    set_fault("outage")

    response = vneid_client.get(
        "/vneid/authorize",
        {"client_id": client.client_id, "redirect_uri": "https://evil.example/cb"},
    )

    assert "evil.example" not in response.content.decode()
    assert 'data-testid="vneid-error-back"' not in response.content.decode()
