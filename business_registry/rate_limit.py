"""The API's rate limit: calls per key and per address in each minute, counted in a shared store.

The counters live in one table so that every gunicorn worker (and every machine sharing the
database) sees the same numbers; one upsert per call increments them atomically. With
BUSINESS_REGISTRY["STORE"] = "cache" (set by REDIS_URL) they live in Redis instead.
"""

import math
from collections.abc import Sequence

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .conf import business_registry_settings as registry_api_settings
from .models import ApiClient, RateCounter

WINDOW_SECONDS = 60


def _quoted() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    return quote(RateCounter._meta.db_table), quote("bucket"), quote("minute"), quote("count")


def _increment_sql(rows: int) -> str:
    table, bucket, minute, count = _quoted()
    values = ", ".join(["(%s, %s, 1)"] * rows)
    # Written in SQL because the ORM has no "insert or add one, and tell me the total":
    # INSERT ... ON CONFLICT DO UPDATE ... RETURNING is one atomic statement on SQLite
    # (3.35+) and PostgreSQL alike, so two workers can never both read the same count.
    return (
        f"INSERT INTO {table} ({bucket}, {minute}, {count}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({bucket}, {minute}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {bucket}, {count}"
    )


def _increment(buckets: Sequence[str], minute: int) -> dict[str, int]:
    """Add one call to each bucket in this minute; return {bucket: calls so far}."""
    params: list[str | int] = []
    for bucket in buckets:
        params += [bucket, minute]
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(len(buckets)), params)
        counts: dict[str, int] = dict(cursor.fetchall())
    if 1 in counts.values():
        # A bucket's first call of a minute: time to drop the minutes that are over.
        RateCounter.objects.filter(minute__lt=minute).delete()
    return counts


def _cache_key(bucket: str, minute: int) -> str:
    return f"business-registry-rate:{bucket}:{minute}"


def _increment_in_cache(buckets: Sequence[str], minute: int) -> dict[str, int]:
    """Add one call to each bucket in this minute's cache keys; return {bucket: calls so far}."""
    counts: dict[str, int] = {}
    for bucket in buckets:
        key = _cache_key(bucket, minute)
        # add is SET NX and incr is INCRBY on Redis: atomic across every server. The key
        # outlives its minute so it cannot expire between the two, then Redis drops it.
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        counts[bucket] = cache.incr(key)
    return counts


def limits_for(client: ApiClient | None, address: str | None) -> dict[str, int]:
    """Return {bucket: calls allowed per minute} for a call by client (or None) from address."""
    if client is not None and client.rate_limit_per_minute:
        # A limit set for one system (the portal serves every citizen from one address)
        # replaces both defaults.
        return {f"key:{client.pk}": client.rate_limit_per_minute}
    limits: dict[str, int] = {
        f"addr:{address or '-'}"[:64]: registry_api_settings.RATE_LIMIT_PER_ADDRESS
    }
    if client is not None:
        limits[f"key:{client.pk}"] = registry_api_settings.RATE_LIMIT_PER_KEY
    return limits


def seconds_refused(client: ApiClient | None, address: str | None) -> int | None:
    """Count this call; return the seconds to wait (for Retry-After) if it is over a limit."""
    now = timezone.now().timestamp()
    minute = int(now // WINDOW_SECONDS)
    limits = limits_for(client, address)
    if registry_api_settings.STORE == "cache":
        counts = _increment_in_cache(list(limits), minute)
    else:
        counts = _increment(list(limits), minute)
    if all(counts[bucket] <= limit for bucket, limit in limits.items()):
        return None
    return max(1, math.ceil((minute + 1) * WINDOW_SECONDS - now))
