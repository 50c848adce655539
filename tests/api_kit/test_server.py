"""The API kit's server side: refusals in each organisation's format, bodies, views, keys."""

import json

import pytest
from django.test import RequestFactory

from api_kit.keys import hash_secret
from api_kit.server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
    api_view,
    json_response,
    read_json,
    site_error_response,
)
from mobile_operator.models import ApiClient
from sandbox.models import ApiToken

OAUTH = ErrorFormat(message_key="error_description", method_message="Use {methods}.")
REFUSALS = BodyRefusals(not_json="Không phải JSON.", not_object="Không phải đối tượng.")


def _post(body, **extra):
    return RequestFactory().post("/api", data=body, content_type="application/json", **extra)


def test_a_refusal_is_written_in_the_format_of_its_organisation():
    refusal = ApiError(400, "invalid_request", "Sai.", fields={"name": ["Bắt buộc."]})
    assert ErrorFormat().body(refusal) == {
        "error": "invalid_request",
        "message": "Sai.",
        "fields": {"name": ["Bắt buộc."]},
    }
    assert OAUTH.body(refusal)["error_description"] == "Sai."


def test_a_refusal_without_fields_has_no_fields_key_and_keeps_its_headers():
    response = ErrorFormat().response(
        ApiError(401, "unauthorized", "Thiếu khoá.", headers={"X": "1"})
    )
    assert json.loads(response.content) == {"error": "unauthorized", "message": "Thiếu khoá."}
    assert (response.status_code, response["X"], response["Cache-Control"]) == (
        401,
        "1",
        "no-store",
    )


def test_the_view_decorator_refuses_other_methods_with_allow():
    view = api_view(OAUTH, "GET", "HEAD")(lambda request: json_response({}))
    response = view(RequestFactory().post("/api"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)["error_description"] == "Use GET, HEAD."


def test_the_view_decorator_answers_a_raised_refusal_and_exempts_csrf():
    def view(request):
        raise ApiError(404, "not_found", "Không có.")

    wrapped = api_view(ErrorFormat())(view)
    assert wrapped.csrf_exempt is True
    assert json.loads(wrapped(RequestFactory().get("/api")).content)["error"] == "not_found"


@pytest.mark.parametrize(
    ("body", "message"),
    [("{", "Không phải JSON."), ("[1]", "Không phải đối tượng."), ("[" * 100000, None)],
)
def test_the_body_reader_refuses_what_is_not_a_json_object(body, message):
    with pytest.raises(ApiError) as refused:
        read_json(_post(body), REFUSALS)
    assert (refused.value.status, refused.value.code) == (400, "invalid_request")
    assert refused.value.message == (message or REFUSALS.too_deep)
    assert refused.value.fields is None


def test_the_body_reader_refuses_a_body_above_its_limit():
    with pytest.raises(ApiError) as refused:
        read_json(_post(json.dumps({"text": "x" * 100})), REFUSALS, max_bytes=50)
    assert refused.value.message == REFUSALS.too_large


def test_the_body_reader_refuses_a_body_above_djangos_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    with pytest.raises(ApiError) as refused:
        read_json(_post(json.dumps({"text": "x" * 100})), BodyRefusals("a", "b", with_fields=True))
    assert (refused.value.message, refused.value.fields) == (REFUSALS.too_large, {})


def test_the_body_reader_may_read_an_empty_body_as_an_empty_object():
    assert read_json(_post(""), REFUSALS, allow_empty=True) == {}
    assert read_json(_post('{"a": 1}'), REFUSALS) == {"a": 1}


def test_only_registered_paths_get_json_from_the_site_handlers():
    assert (
        json.loads(site_error_response("/registry/api/v9/x", 404).content)["error"] == "not_found"
    )
    assert json.loads(site_error_response("/vneid/token", 500).content)["error"] == "server_error"
    assert site_error_response("/vneid/authorize", 404) is None
    assert site_error_response("/nha-mang/api/v1/x", 404) is None


@pytest.mark.django_db
def test_an_api_key_authenticates_by_its_hash_in_whatever_column_holds_it():
    ApiToken.objects.create(name="CI", token_hash=hash_secret("dvcs_token"))
    ApiClient.objects.create(name="Cổng", key_prefix="dvcm_", key_hash=hash_secret("dvcm_key"))
    factory = RequestFactory()

    assert (
        ApiToken.authenticate(factory.get("/", HTTP_AUTHORIZATION="Bearer dvcs_token")).name == "CI"
    )
    assert (
        ApiClient.authenticate(factory.get("/", HTTP_AUTHORIZATION="bearer dvcm_key")).name
        == "Cổng"
    )
    assert ApiToken.authenticate(factory.get("/", HTTP_AUTHORIZATION="Bearer dvcm_key")) is None
    assert ApiToken.authenticate(factory.get("/", HTTP_AUTHORIZATION="Basic dvcs_token")) is None
    assert ApiToken.authenticate(factory.get("/")) is None
    inactive = ApiClient.objects.filter(is_active=False)
    assert (
        ApiClient.authenticate(factory.get("/", HTTP_AUTHORIZATION="Bearer dvcm_key"), inactive)
        is None
    )
