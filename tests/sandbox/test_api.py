"""The sandbox API: a CI pipeline creates and deletes its own workspace with a bearer token."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth import get_user_model
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from sandbox.api import ensure_api_token
from sandbox.models import ApiToken, TrainingClass, Workspace
from sandbox.openapi import openapi_document

pytestmark = pytest.mark.django_db

TOKEN = "dvcs_test_token_for_pipelines"
URL = "/sandbox/api/v1/workspaces"


@pytest.fixture
def token(db):
    ensure_api_token(name="CI", raw_token=TOKEN)
    return TOKEN


def _post(client, body=None, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = "" if body is None else body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def _schema(name):
    document = openapi_document()
    return {**document["components"]["schemas"][name], "components": document["components"]}


def test_the_document_is_a_valid_openapi_3_1_document():
    validate(openapi_document())


def test_post_creates_one_seat_as_create_class_prints_it(client, token):
    response = _post(client, {"name": "CI #1", "days": 1})

    assert response.status_code == 201
    data = response.json()
    OAS31Validator(_schema("ClassResponse")).validate(data)
    assert data["class"]["name"] == "CI #1"
    (seat,) = data["seats"]
    assert Workspace.objects.get(code=seat["id"]).training_class.name == "CI #1"
    nga = next(p for p in seat["personas"] if p["key"] == "nga")
    assert get_user_model().objects.filter(username=nga["username"]).exists()
    assert nga["provincial"]["username"].endswith("." + seat["code"].lower())
    assert next(p for p in seat["personas"] if p["key"] == "hoa")["provincial"] is None
    assert response["Cache-Control"] == "no-store"


def test_post_without_a_body_creates_a_workspace_with_default_name(client, token):
    response = _post(client)

    assert response.status_code == 201
    assert response.json()["class"]["name"] == "Phiên chạy tự động"


@pytest.mark.parametrize("token_sent", [None, "wrong-token", ""])
def test_post_refuses_a_missing_or_wrong_token_with_401(client, token, token_sent):
    response = _post(client, token=token_sent)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="sandbox"'
    body = response.json()
    assert body["error"] == "unauthorized"
    OAS31Validator(
        openapi_document()["paths"]["/workspaces"]["post"]["responses"]["401"]["content"][
            "application/json"
        ]["schema"]
    ).validate(body)
    assert not TrainingClass.objects.exists()


def test_the_token_is_stored_hashed(token):
    assert not ApiToken.objects.filter(token_hash=TOKEN).exists()
    assert TOKEN not in ApiToken.objects.get().token_hash


@pytest.mark.parametrize(
    ("body", "field"),
    [("{not json", None), ('["x"]', None), ({"days": 0}, "days"), ({"name": 3}, "name")],
)
def test_post_refuses_a_bad_body_with_400_and_creates_nothing(client, token, body, field):
    response = _post(client, body)

    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "invalid_request"
    if field:
        assert field in data["fields"]
    assert not TrainingClass.objects.exists()


def test_get_on_the_collection_answers_405_in_json(client, token):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_delete_removes_the_workspace_and_its_personas(client, token):
    seat = _post(client).json()["seats"][0]
    nga = next(p for p in seat["personas"] if p["key"] == "nga")

    response = client.delete(f"{URL}/{seat['id']}", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response.json() == {"deleted": seat["id"]}
    assert not Workspace.objects.exists()
    assert not get_user_model().objects.filter(username=nga["username"]).exists()


def test_delete_of_an_unknown_workspace_answers_404(client, token):
    response = client.delete(f"{URL}/NOSUCH23", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_delete_without_the_token_answers_401_and_keeps_the_workspace(client, token):
    seat = _post(client).json()["seats"][0]

    response = client.delete(f"{URL}/{seat['id']}")

    assert response.status_code == 401
    assert Workspace.objects.filter(code=seat["id"]).exists()


def test_the_api_is_closed_when_the_sandbox_is_off(client, token, settings):
    settings.SANDBOX_ENABLED = False

    response = _post(client)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_openapi_document_is_served_as_json(client):
    response = client.get("/sandbox/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["paths"].keys() == {"/workspaces", "/workspaces/{id}"}


PIPELINES = 6


@pytest.mark.django_db(transaction=True)
def test_pipelines_creating_seats_at_once_each_get_their_own(live_server):
    ensure_api_token(name="CI", raw_token=TOKEN)
    barrier = threading.Barrier(PIPELINES)

    def pipeline(_):
        barrier.wait(timeout=30)
        return requests.post(
            live_server.url + URL,
            json={"name": "CI song song", "days": 1},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=PIPELINES) as pool:
        responses = list(pool.map(pipeline, range(PIPELINES)))

    assert [response.status_code for response in responses] == [201] * PIPELINES
    seats = [response.json()["seats"][0] for response in responses]
    assert len({seat["id"] for seat in seats}) == PIPELINES
    numbers = [
        persona[field]
        for seat in seats
        for persona in seat["personas"]
        for field in ("cccd_number", "cmnd_number")
        if persona[field]
    ]
    assert len(numbers) == len(set(numbers))
    assert Workspace.objects.count() == PIPELINES
