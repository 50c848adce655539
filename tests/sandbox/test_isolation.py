"""Two seats walking the guide at the same time never see each other's data."""

import threading

import pytest
from django.contrib.auth import get_user_model

from bench.classroom import walk
from sandbox.personas import PERSONAS_BY_KEY, ensure_personas, register_portal
from sandbox.workspaces import class_state, create_class


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.REGISTRY_BASE_URL = f"{live_server.url}/registry/api/v1/"
    settings.VNEID_ISSUER = f"{live_server.url}/vneid"
    settings.MOBILE_OPERATOR_BASE_URL = f"{live_server.url}/nha-mang/api/v1/"
    settings.CA_BASE_URL = f"{live_server.url}/ca/"
    register_portal(base_urls=[live_server.url])
    ensure_personas()
    return live_server


def test_two_seats_walking_at_once_each_link_and_see_only_their_own(server):
    training_class = create_class(name="Lớp song song", seats=2)
    seats = class_state(training_class)["seats"]
    results = {}
    barrier = threading.Barrier(2)

    def trainee(seat):
        barrier.wait()
        results[seat["seat"]] = walk(server.url, seat)

    threads = [threading.Thread(target=trainee, args=(seat,)) for seat in seats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == [1, 2]
    users = get_user_model().objects
    workspaces = {w.seat: w for w in training_class.workspaces.all()}
    for seat in seats:
        own = workspaces[seat["seat"]].personas.get(key="nga")
        other = workspaces[3 - seat["seat"]].personas.get(key="nga")
        assert users.get(username=own.username).cccd_number == own.cccd_number
        _, session = results[seat["seat"]]
        page = session.get(f"{server.url}/ho-so/").text
        assert all(code in page for code in own.dossier_codes)
        assert not any(code in page for code in other.dossier_codes)
    shipped = PERSONAS_BY_KEY["nga"].account["username"]
    assert users.get(username=shipped).cccd_number == ""
    after = class_state(training_class)["seats"]
    assert [next(p for p in s["personas"] if p["key"] == "nga")["linked"] for s in after] == [
        True,
        True,
    ]
    assert [next(p for p in s["personas"] if p["key"] == "an")["linked"] for s in after] == [
        True,
        True,
    ]
    assert [next(p for p in s["personas"] if p["key"] == "binh")["linked"] for s in after] == [
        False,
        False,
    ]
