"""A registry's JSON endpoint: method, fault, rate limit, key, body, answer and lookup log.

The population database and the business registry answer their callers the same way; each
names its models, its wording and how its log masks the number it was asked about, and writes
only its answer functions.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Field, Model, Subquery
from django.http import HttpRequest, JsonResponse

from fault_switch.switch import Mode, delay

from .keys import hash_secret
from .rate_limit import RateLimiter
from .server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
    View,
    api_view,
    bearer_key,
    json_response,
    read_json,
)

# What an answer function gives for a valid call: (body, result for the log, record concerned).
Answer = tuple[dict[str, Any], str, Any]
AnswerFunction = Callable[[dict[str, Any], Any], Answer]


def max_length(model: type[Model], name: str) -> int:
    """Return the max_length of model's text field name."""
    field = model._meta.get_field(name)
    # Read at import: a field without a length (or a relation) fails here, not on a call.
    assert isinstance(field, Field) and field.max_length is not None
    return field.max_length


def storable(text: str) -> str:
    """Return text without what a database column cannot hold (NUL, lone surrogates)."""
    # PostgreSQL refuses NUL in text and psycopg cannot encode a lone surrogate: either
    # would turn a logged refusal into a 500.
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def clean_text(value: object) -> bool:
    """Whether value is text a column stores unchanged."""
    return isinstance(value, str) and "\x00" not in value and storable(value) == value


def log_text(data: object, name: str, length: int) -> str:
    """Return the body's text field name as the log stores it (storable, cut to length)."""
    value = data.get(name) if isinstance(data, dict) else None
    return storable(value)[:length] if isinstance(value, str) else ""


class RegistryApi:
    """One registry's endpoints: its models, limits, wording and lookup log."""

    def __init__(
        self,
        *,
        errors: ErrorFormat,
        body_refusals: BodyRefusals,
        client_model: Any,
        fault_model: Any,
        log_model: Any,
        limiter: RateLimiter,
        registry_name: str,
        realm: str,
        forbidden_message: str,
        masked_field: str,
        subject_field: str,
        mask: Callable[[object], str],
        logger: logging.Logger,
        purpose_note_length: int,
    ) -> None:
        self.errors = errors
        self.body_refusals = body_refusals
        self.client_model = client_model
        self.fault_model = fault_model
        self.log_model = log_model
        self.limiter = limiter
        self.registry_name = registry_name
        self.realm = realm
        self.forbidden_message = forbidden_message
        # The log's column for the masked number asked about, and its link to the record.
        self.masked_field = masked_field
        self.subject_field = subject_field
        self.mask = mask
        self.logger = logger
        self.purpose_length = max_length(log_model, "purpose")
        self.purpose_note_length = min(purpose_note_length, max_length(log_model, "purpose_note"))
        self.requested_by_length = max_length(log_model, "requested_by")
        self.result_length = max_length(log_model, "result")

    def client_and_fault(self, digest: str | None) -> tuple[Any, str, int]:
        """Return (client or None, fault mode, latency in ms); one query for a known key."""
        # The fault row rides along as two subqueries: a known caller, the common case, costs
        # one query; an unknown key or none asks for the fault alone.
        fault = self.fault_model.objects.order_by("pk")
        client = None
        if digest:
            client = self.client_model.holding(
                digest,
                self.client_model.objects.annotate(
                    fault_mode=Subquery(fault.values("mode")[:1]),
                    fault_latency_ms=Subquery(fault.values("latency_ms")[:1]),
                ),
            )
        if client is not None:
            return client, client.fault_mode or Mode.NONE, client.fault_latency_ms or 0
        mode, latency_ms = fault.values_list("mode", "latency_ms").first() or (None, 0)
        return None, mode or Mode.NONE, latency_ms or 0

    def read_body(self, request: HttpRequest) -> tuple[dict[str, Any] | None, ApiError | None]:
        """Return (the JSON object sent, or None; the ApiError to answer if it is unusable)."""
        try:
            return read_json(request, self.body_refusals), None
        except ApiError as refusal:
            return None, refusal

    def refuse_for_fault(self, mode: str, latency_ms: int) -> None:
        if mode == Mode.LATENCY:
            delay(latency_ms)
        elif mode == Mode.ERROR:
            raise ApiError(
                500,
                "internal_error",
                f"{self.registry_name} gặp lỗi khi xử lý yêu cầu, vui lòng thử lại sau.",
            )
        elif mode == Mode.OUTAGE:
            raise ApiError(
                503,
                "unavailable",
                f"{self.registry_name} tạm ngừng hoạt động, vui lòng thử lại sau.",
            )

    def unauthorized(self) -> ApiError:
        return ApiError(
            401,
            "unauthorized",
            "Thiếu khoá API, khoá không đúng hoặc đã bị vô hiệu hoá.",
            headers={"WWW-Authenticate": f'Bearer realm="{self.realm}"'},
        )

    @staticmethod
    def rate_limited(seconds: int) -> ApiError:
        return ApiError(
            429,
            "rate_limited",
            f"Hệ thống của bạn đã gọi quá số lần cho phép trong một phút; vui lòng thử lại sau "
            f"{seconds} giây.",
            headers={"Retry-After": str(seconds)},
        )

    def log_anonymous(self, request: HttpRequest, endpoint: str, refusal: ApiError) -> JsonResponse:
        # Without a valid key nobody is accountable for the call: a log line records it, a
        # table row would let anyone fill the lookup log.
        self.logger.warning(
            "%s status=%s result=%s client=- address=%s",
            endpoint,
            refusal.status,
            refusal.code,
            request.META.get("REMOTE_ADDR", "-"),
        )
        return self.errors.response(refusal)

    def answer(
        self,
        client: Any,
        data: dict[str, Any] | None,
        body_error: ApiError | None,
        answer: AnswerFunction,
        needs_read_records: bool,
    ) -> tuple[dict[str, Any], str, int, dict[str, str], Any]:
        """Return (body, result, status, headers, record) for a call by a valid key."""
        try:
            if needs_read_records and not client.can_read_records:
                raise ApiError(403, "forbidden", self.forbidden_message)
            if body_error is not None:
                raise body_error
            # read_body gives either a body or the refusal raised just above.
            assert data is not None
            body, result, record = answer(data, client)
        except ApiError as refusal:
            return self.errors.body(refusal), refusal.code, refusal.status, refusal.headers, None
        return body, result, 200, {}, record

    def endpoint(
        self, endpoint: str, *, needs_read_records: bool = False
    ) -> Callable[[AnswerFunction], View]:
        """Wrap an answer function with the method, fault, limit, auth, body checks and log."""

        def decorator(answer: AnswerFunction) -> View:
            @api_view(self.errors)
            @wraps(answer)
            def view(request: HttpRequest) -> JsonResponse:
                started = time.monotonic()
                key = bearer_key(request)
                client, fault_mode, latency_ms = self.client_and_fault(
                    hash_secret(key) if key else None
                )
                if client is not None and not client.is_active:
                    client = None
                try:
                    if request.method != "POST":
                        raise self.errors.method_not_allowed(["POST"])
                    self.refuse_for_fault(fault_mode, latency_ms)
                    wait = self.limiter.seconds_refused(client, request.META.get("REMOTE_ADDR"))
                    if wait is not None:
                        raise self.rate_limited(wait)
                    if client is None:
                        raise self.unauthorized()
                except ApiError as refusal:
                    if client is None:
                        return self.log_anonymous(request, endpoint, refusal)
                    data = self.read_body(request)[0] if request.method == "POST" else None
                    body, result, status = self.errors.body(refusal), refusal.code, refusal.status
                    headers, record = refusal.headers, None
                else:
                    # Read only for a known caller: an anonymous body is never parsed or stored.
                    data, body_error = self.read_body(request)
                    body, result, status, headers, record = self.answer(
                        client, data, body_error, answer, needs_read_records
                    )
                self._log_call(
                    client, record, endpoint, data, result, status, time.monotonic() - started
                )
                return json_response(body, status=status, headers=headers)

            return view

        return decorator

    def _log_call(
        self,
        client: Any,
        record: Any,
        endpoint: str,
        data: dict[str, Any] | None,
        result: str,
        status: int,
        seconds: float,
    ) -> None:
        masked = self.mask(data)
        purpose = log_text(data, "purpose", self.purpose_length)
        requested_by = log_text(data, "requested_by", self.requested_by_length)
        self.log_model.objects.create(
            client=client,
            endpoint=endpoint,
            purpose=purpose,
            purpose_note=log_text(data, "purpose_note", self.purpose_note_length),
            requested_by=requested_by,
            result=result[: self.result_length],
            status_code=status,
            duration_ms=round(seconds * 1000),
            **{self.subject_field: record, self.masked_field: masked},
        )
        self.logger.log(
            logging.INFO if status in (200, 404) else logging.WARNING,
            "%s status=%s result=%s client=%s %s=%s purpose=%r requested_by=%r",
            endpoint,
            status,
            result,
            client.name,
            self.masked_field.removeprefix("masked_"),
            masked or "-",
            purpose,
            requested_by,
        )
