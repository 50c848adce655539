"""The API allows a number of calls per minute per key and per address, counted in the database."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection

from citizen_registry import rate_limit
from citizen_registry.conf import registry_api_settings
from citizen_registry.models import LookupLog, RateCounter

from .conftest import LOOKUP_URL, NGA_ATTRIBUTES, PURPOSE, VERIFY_URL
from .factories import ApiClientFactory

pytestmark = pytest.mark.django_db

# 20 seconds into a minute: the window ends 40 seconds later.
START = datetime(2026, 11, 30, 10, 0, 20, tzinfo=UTC)


@pytest.fixture
def body(nga):
    return {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}


@pytest.fixture
def limits(settings):
    settings.REGISTRY_API = {"RATE_LIMIT_PER_KEY": 3, "RATE_LIMIT_PER_ADDRESS": 5}
    return settings


def _statuses(call_api, body, key, times, **extra):
    return [call_api(VERIFY_URL, body, key=key, **extra).status_code for _ in range(times)]


def test_the_defaults_are_60_calls_a_minute_per_key_and_per_address(settings):
    settings.REGISTRY_API = {}
    assert (
        registry_api_settings.RATE_LIMIT_PER_KEY,
        registry_api_settings.RATE_LIMIT_PER_ADDRESS,
    ) == (60, 60)


def test_a_key_over_its_limit_gets_429_with_retry_after_until_the_minute_ends(
    call_api, verifier, body, limits
):
    with time_machine.travel(START, tick=False):
        assert _statuses(call_api, body, verifier.raw_key, 3) == [200, 200, 200]
        refused = call_api(VERIFY_URL, body, key=verifier.raw_key)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json()["error"] == "rate_limited"
    assert "40 giây" in refused.json()["message"]


def test_the_next_minute_starts_a_fresh_count(call_api, verifier, body, limits):
    with time_machine.travel(START, tick=False) as clock:
        assert _statuses(call_api, body, verifier.raw_key, 4)[-1] == 429
        clock.shift(40)
        assert call_api(VERIFY_URL, body, key=verifier.raw_key).status_code == 200


def test_refused_calls_of_a_known_key_are_logged_as_rate_limited(call_api, verifier, body, limits):
    with time_machine.travel(START, tick=False):
        _statuses(call_api, body, verifier.raw_key, 4)
    last = LookupLog.objects.first()
    assert (last.status_code, last.result, last.client) == (429, "rate_limited", verifier)


def test_each_key_has_its_own_count(call_api, verifier, body, limits):
    other = ApiClientFactory()
    with time_machine.travel(START, tick=False):
        _statuses(call_api, body, verifier.raw_key, 3)
        assert call_api(VERIFY_URL, body, key=other.raw_key).status_code == 200


def test_one_address_is_limited_across_keys(call_api, verifier, body, limits):
    keys = [verifier.raw_key, ApiClientFactory().raw_key]
    with time_machine.travel(START, tick=False):
        statuses = [call_api(VERIFY_URL, body, key=keys[i % 2]).status_code for i in range(6)]
        elsewhere = call_api(VERIFY_URL, body, key=keys[0], REMOTE_ADDR="10.0.0.9")
    assert statuses == [200] * 5 + [429]
    # The key has used 3 + 1 of its own calls: the other address is refused by the key limit.
    assert elsewhere.status_code == 429


def test_calls_without_a_key_count_against_the_address(call_api, body, limits):
    with time_machine.travel(START, tick=False):
        statuses = _statuses(call_api, body, None, 6)
        other = call_api(VERIFY_URL, body, REMOTE_ADDR="10.0.0.9")
    assert statuses == [401] * 5 + [429]
    assert other.status_code == 401
    assert LookupLog.objects.count() == 0


def test_a_key_with_its_own_limit_is_held_to_that_limit_only(call_api, body, limits):
    portal = ApiClientFactory(can_read_records=True, rate_limit_per_minute=8)
    with time_machine.travel(START, tick=False):
        statuses = _statuses(call_api, body, portal.raw_key, 9)
    assert statuses == [200] * 8 + [429]


def test_lookup_is_limited_too(call_api, reader, nga, limits):
    lookup = {"cccd_number": nga.cccd_number, "purpose": PURPOSE}
    with time_machine.travel(START, tick=False):
        statuses = [call_api(LOOKUP_URL, lookup, key=reader.raw_key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_counters_of_past_minutes_are_deleted(call_api, verifier, body, limits):
    with time_machine.travel(START, tick=False) as clock:
        call_api(VERIFY_URL, body, key=verifier.raw_key)
        clock.shift(120)
        call_api(VERIFY_URL, body, key=verifier.raw_key)
    minutes = set(RateCounter.objects.values_list("minute", flat=True))
    assert minutes == {int(START.timestamp() // 60) + 2}


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_on_separate_connections_are_all_counted(verifier):
    if connection.vendor == "sqlite":
        # The in-memory test database shares one cache between threads and answers a
        # concurrent writer "table is locked" at once instead of waiting as a file does.
        pytest.skip("needs a database server; run with DATABASE_URL=postgres://…")
    # Each thread has its own database connection, as each gunicorn worker does.
    threads_count, calls = 4, 25
    errors = []

    def hammer():
        try:
            for _ in range(calls):
                rate_limit.seconds_refused(verifier, "10.1.1.1")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(threads_count)]
    with time_machine.travel(START, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    counts = dict(RateCounter.objects.values_list("bucket", "count"))
    assert counts == {f"key:{verifier.pk}": 100, "addr:10.1.1.1": 100}


def test_by_default_the_61st_call_of_a_key_in_a_minute_is_refused(call_api, verifier, body):
    with time_machine.travel(START, tick=False):
        statuses = _statuses(call_api, body, verifier.raw_key, 61)
    assert statuses == [200] * 60 + [429]


def test_on_postgresql_the_counters_skip_the_write_ahead_log():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no unlogged tables")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            [RateCounter._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


def test_with_redis_the_counts_live_in_the_cache_and_not_in_the_database(
    call_api, verifier, body, limits, redis_cache
):
    limits.REGISTRY_API = {**limits.REGISTRY_API, "STORE": "cache"}
    with time_machine.travel(START, tick=False):
        statuses = _statuses(call_api, body, verifier.raw_key, 4)
        minute = int(START.timestamp() // 60)
        stored = redis_cache.get(f"registry-rate:key:{verifier.pk}:{minute}")
    assert statuses == [200, 200, 200, 429]
    assert stored == 4
    assert not RateCounter.objects.exists()


def test_with_redis_the_next_minute_starts_a_fresh_count(
    call_api, verifier, body, limits, redis_cache
):
    limits.REGISTRY_API = {**limits.REGISTRY_API, "STORE": "cache"}
    with time_machine.travel(START, tick=False) as clock:
        statuses = _statuses(call_api, body, verifier.raw_key, 4)
        clock.shift(60)
        statuses += _statuses(call_api, body, verifier.raw_key, 1)
    assert statuses == [200, 200, 200, 429, 200]
