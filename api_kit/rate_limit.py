"""An API's rate limit: calls per key and per address in each minute, counted in a shared store.

The counters live in one table per API so that every gunicorn worker (and every machine sharing
the database) sees the same numbers; one upsert per call increments them atomically. With the
API's settings saying STORE = "cache" (set by REDIS_URL) they live in Redis instead.
"""

import math
from collections.abc import Sequence
from typing import Any, Protocol

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

WINDOW_SECONDS = 60


class RateCounterRecord(models.Model):
    """Calls of one key or one address in one minute, counted by an atomic upsert.

    The concrete model declares the unique constraint on (bucket, minute), under its own name.
    """

    bucket = models.CharField(max_length=64)
    minute = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        verbose_name = "bộ đếm lời gọi"
        verbose_name_plural = "bộ đếm lời gọi"

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.minute}: {self.count}"


class RateLimitedCaller(Protocol):
    """An API key as the limit sees it: its row and the limit set for it alone, if any."""

    pk: Any
    rate_limit_per_minute: int | None


class RateLimiter:
    """The limit of one API: its counter table, its settings and its cache keys' prefix."""

    def __init__(self, *, counter_model: type[RateCounterRecord], settings: Any, name: str):
        self.counter_model = counter_model
        # An OrganisationSettings: RATE_LIMIT_PER_KEY, RATE_LIMIT_PER_ADDRESS and STORE are read
        # at each call, so a changed setting applies at once.
        self.settings = settings
        self.name = name

    def _increment_sql(self, rows: int) -> str:
        quote = connection.ops.quote_name
        table = quote(self.counter_model._meta.db_table)
        bucket, minute, count = quote("bucket"), quote("minute"), quote("count")
        values = ", ".join(["(%s, %s, 1)"] * rows)
        # Written in SQL because the ORM has no "insert or add one, and tell me the total":
        # INSERT ... ON CONFLICT DO UPDATE ... RETURNING is one atomic statement on SQLite
        # (3.35+) and PostgreSQL alike, so two workers can never both read the same count.
        return (
            f"INSERT INTO {table} ({bucket}, {minute}, {count}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT ({bucket}, {minute}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {bucket}, {count}"
        )

    def _increment(self, buckets: Sequence[str], minute: int) -> dict[str, int]:
        """Add one call to each bucket in this minute; return {bucket: calls so far}."""
        params: list[str | int] = []
        for bucket in buckets:
            params += [bucket, minute]
        with connection.cursor() as cursor:
            cursor.execute(self._increment_sql(len(buckets)), params)
            counts: dict[str, int] = dict(cursor.fetchall())
        if 1 in counts.values():
            # A bucket's first call of a minute: time to drop the minutes that are over.
            self.counter_model._default_manager.filter(minute__lt=minute).delete()
        return counts

    def _increment_in_cache(self, buckets: Sequence[str], minute: int) -> dict[str, int]:
        """Add one call to each bucket in this minute's cache keys; return the calls so far."""
        counts: dict[str, int] = {}
        for bucket in buckets:
            key = f"{self.name}-rate:{bucket}:{minute}"
            # add is SET NX and incr is INCRBY on Redis: atomic across every server. The key
            # outlives its minute so it cannot expire between the two, then Redis drops it.
            cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
            counts[bucket] = cache.incr(key)
        return counts

    def limits_for(self, client: RateLimitedCaller | None, address: str | None) -> dict[str, int]:
        """Return {bucket: calls allowed per minute} for a call by client (or None) from address."""
        if client is not None and client.rate_limit_per_minute:
            # A limit set for one system (a portal serves every citizen from one address)
            # replaces both defaults.
            return {f"key:{client.pk}": client.rate_limit_per_minute}
        limits: dict[str, int] = {
            f"addr:{address or '-'}"[:64]: self.settings.RATE_LIMIT_PER_ADDRESS
        }
        if client is not None:
            limits[f"key:{client.pk}"] = self.settings.RATE_LIMIT_PER_KEY
        return limits

    def seconds_refused(self, client: RateLimitedCaller | None, address: str | None) -> int | None:
        """Count this call; return the seconds to wait (for Retry-After) if it is over a limit."""
        now = timezone.now().timestamp()
        minute = int(now // WINDOW_SECONDS)
        limits = self.limits_for(client, address)
        if self.settings.STORE == "cache":
            counts = self._increment_in_cache(list(limits), minute)
        else:
            counts = self._increment(list(limits), minute)
        if all(counts[bucket] <= limit for bucket, limit in limits.items()):
            return None
        return max(1, math.ceil((minute + 1) * WINDOW_SECONDS - now))
