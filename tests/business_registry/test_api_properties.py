"""Property-based: whatever its OpenAPI document allows or forbids, the API never answers 5xx."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import HOIAN_CODE, OPENAPI_URL

pytestmark = pytest.mark.django_db

# Per operation and per mode (valid, invalid inputs): bounded so the test takes seconds.
EXAMPLES = 120
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """Return the project's WSGI application, keeping the test's database connection open."""
    # As Django's own test client does: closing the connection at the end of each request
    # would end the test's transaction on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_every_input_from_its_document_without_a_server_error(
    hoian, verifier, reader, settings, wsgi_app
):
    # Limits out of the way so that inputs, not the 429, decide each answer.
    settings.BUSINESS_REGISTRY = {"RATE_LIMIT_PER_KEY": 10**9, "RATE_LIMIT_PER_ADDRESS": 10**9}
    schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, wsgi_app)
    # Valid keys first, as Hypothesis leans to the first choices: a refused key stops at the
    # 401 before the body is read.
    keys = st.sampled_from([reader.raw_key, verifier.raw_key, None, "dvcb_unknown"])
    inputs, statuses = set(), {}

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings_for_run
            @given(case=operation.as_strategy(generation_mode=mode), key=keys, known=st.booleans())
            def run(case, key, known):
                if known and isinstance(case.body, dict) and "enterprise_code" in case.body:
                    # A number the registry holds, so matching itself meets the odd inputs.
                    case.body["enterprise_code"] = HOIAN_CODE
                # The key is ours to choose: drop any Authorization the generator made up.
                headers = {
                    name: value
                    for name, value in (case.headers or {}).items()
                    if name.lower() != "authorization"
                }
                case.headers = headers
                if key:
                    headers = {**headers, "Authorization": f"Bearer {key}"}
                response = case.call(headers=headers)
                body = json.dumps(case.body, sort_keys=True, default=repr)
                inputs.add((case.method, case.path, case.media_type, body, key))
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            run()

    print(f"\n{len(inputs)} distinct inputs, answers by status: {dict(sorted(statuses.items()))}")
    assert not [status for status in statuses if status >= 500]
    assert len(inputs) > 200


settings_for_run = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
