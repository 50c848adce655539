"""National scale on PostgreSQL: `python -m bench.national [--count N]`; prints one table.

Seeds N citizens (10,000,000 by default) with COPY into a fresh PostgreSQL database, times
registry verify on gunicorn next to /healthz on the same server, reads the CCCD index's depth
and extrapolates to 100,000,000 rows (method in the README, "Quy mô quốc gia").
"""

import argparse
import math
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from .__main__ import _prepare, _verify_calls
from .servers import Gunicorn, manage

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dvc_bench_national"
TARGET_ROWS = 100_000_000
TABLE = "citizen_registry_citizen"
PAGE_BYTES = 8192


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    parser.add_argument("--count", type=int, default=10_000_000, help="citizens to seed")
    parser.add_argument("--calls", type=int, default=2_000, help="verify calls to time")
    parser.add_argument("--lookups", type=int, default=5_000, help="direct index lookups")
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="PostgreSQL database, dropped and re-created"
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="keep the database and its citizens (seeded by a run that stopped before measuring)",
    )
    return parser.parse_args(argv)


def _maintenance_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _recreate_database(url):
    admin_url, name = _maintenance_url(url)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop a database named {name!r}")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def _seed(url, count):
    started = time.perf_counter()
    output = manage(url, "seed_registry", "--count", str(count))
    wall = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"VACUUM ANALYZE {TABLE}")
        rows = db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]  # noqa: S608
    own = re.search(r"trong ([\d.]+) s", output)
    return {"rows": rows, "wall": wall, "load": float(own.group(1)) if own else wall}


def _cccd_index(db):
    return db.execute(
        "SELECT i.indexrelid::regclass::text FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
        "WHERE i.indrelid = %s::regclass AND i.indisunique AND i.indnatts = 1 "
        "AND a.attname = 'cccd_number'",
        [TABLE],
    ).fetchone()[0]


def _index_shape(url, lookups, rows):
    """Return the CCCD index's depth and pages, and the median of direct lookups in ms."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        db.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        index = _cccd_index(db)
        level = db.execute("SELECT level FROM bt_metap(%s)", [index]).fetchone()[0]
        leaf, internal, size = db.execute(
            "SELECT leaf_pages, internal_pages, index_size FROM pgstatindex(%s)", [index]
        ).fetchone()
        numbers = [
            n
            for (n,) in db.execute(
                f"SELECT cccd_number FROM {TABLE} TABLESAMPLE SYSTEM (1) LIMIT %s",  # noqa: S608
                [lookups],
            )
        ]
        query = f"SELECT id FROM {TABLE} WHERE cccd_number = %s"  # noqa: S608
        timings = []
        for number in numbers:
            started = time.perf_counter()
            db.execute(query, [number], prepare=True).fetchone()
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "index": index,
        "level": level,
        "leaf_pages": leaf,
        "internal_pages": internal,
        "size": size,
        "lookup_median": statistics.median(timings),
        "rows": rows,
    }


def extrapolate(shape, target_rows=TARGET_ROWS):
    """Return the index's depth, size and lookup time at target_rows, from its shape now.

    Each leaf holds rows / leaf_pages entries and each internal page points to
    (leaf_pages + internal_pages - 1) / internal_pages children (every page but the root has
    one parent). target_rows then need target_rows / entries-per-leaf leaves, and the smallest
    number of internal levels whose fan-out reaches them. A lookup reads one page per level
    plus the leaf, so its time scales with (levels + 1).
    """
    per_leaf = shape["rows"] / shape["leaf_pages"]
    fan_out = (shape["leaf_pages"] + shape["internal_pages"] - 1) / max(1, shape["internal_pages"])
    leaves = math.ceil(target_rows / per_leaf)
    level = max(1, math.ceil(math.log(leaves) / math.log(fan_out)))
    scale = target_rows / shape["rows"]
    return {
        "per_leaf": per_leaf,
        "fan_out": fan_out,
        "level": level,
        "size": shape["size"] * scale,
        "upper_bytes": shape["internal_pages"] * scale * PAGE_BYTES,
        "lookup_median": shape["lookup_median"] * (level + 1) / (shape["level"] + 1),
    }


def _quantile(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def _seed_row(seed):
    if seed["wall"] is None:
        return (f"seed_registry with COPY, {seed['rows']:,} rows", "seeded by an earlier run")
    return (
        f"seed_registry with COPY, {seed['rows']:,} rows",
        f"{seed['wall']:.0f} s wall ({seed['load']:.0f} s load, "
        f"{seed['rows'] / seed['load']:,.0f} rows/s)",
    )


def _print(seed, verify_ms, baseline_ms, shape, future):
    median_verify = statistics.median(verify_ms)
    future_verify = median_verify + future["lookup_median"] - shape["lookup_median"]
    mib = 1024 * 1024
    rows = [
        _seed_row(seed),
        (
            f"POST verify, {len(verify_ms)} sequential calls",
            f"median {median_verify:.2f} ms, p95 {_quantile(verify_ms, 95):.2f} ms, "
            f"p99 {_quantile(verify_ms, 99):.2f} ms",
        ),
        (
            "  GET /healthz, same server, interleaved",
            f"median {statistics.median(baseline_ms):.2f} ms, "
            f"p95 {_quantile(baseline_ms, 95):.2f} ms, p99 {_quantile(baseline_ms, 99):.2f} ms",
        ),
        (
            f"CCCD index {shape['index']} (bt_metap, pgstatindex)",
            f"level {shape['level']} ({shape['level'] + 1} pages per lookup), "
            f"{shape['leaf_pages']:,} leaf + {shape['internal_pages']:,} internal pages, "
            f"{shape['size'] / mib:,.0f} MiB",
        ),
        (
            "  direct lookup by CCCD (prepared, from Python)",
            f"median {shape['lookup_median']:.3f} ms",
        ),
        (
            f"Extrapolated to {TARGET_ROWS:,} rows",
            f"{future['per_leaf']:.0f} entries per leaf, fan-out {future['fan_out']:.0f}: "
            f"level {future['level']} ({future['level'] + 1} pages per lookup), "
            f"{future['size'] / mib:,.0f} MiB index, upper levels "
            f"{future['upper_bytes'] / mib:,.1f} MiB",
        ),
        (
            "  lookup and verify medians, scaled by pages per lookup",
            f"lookup {future['lookup_median']:.3f} ms, verify ≈ {future_verify:.2f} ms",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    print("DVC Sandbox national scale — PostgreSQL, gunicorn -w 2 -k gthread --threads 4")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print()


def main(argv=None):
    """Re-create the database, seed it, measure, print the table."""
    args = _parse_args(argv)
    url = args.database_url
    workdir = Path(tempfile.mkdtemp(prefix="dvc-bench-national-"))
    if args.measure_only:
        with psycopg.connect(url, autocommit=True) as db:
            rows = db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]  # noqa: S608
        seed = {"rows": rows, "wall": None, "load": None}
    else:
        print(f"Re-creating {urlsplit(url).path.lstrip('/')} and migrating …", flush=True)
        _recreate_database(url)
        manage(url, "migrate", "--noinput", "-v", "0")
        print(f"Seeding {args.count:,} citizens with COPY …", flush=True)
        seed = _seed(url, args.count)
        print(f"Seeded in {seed['wall']:.0f} s", flush=True)
    print(f"Timing {args.calls} verify calls …", flush=True)
    fixtures = _prepare(url, args.calls)
    with Gunicorn(url, workdir / "api.log") as server:
        verify_ms, baseline_ms, matches = _verify_calls(server.base_url, fixtures)
    if matches != len(verify_ms):
        raise RuntimeError(f"only {matches} of {len(verify_ms)} verify calls matched")
    shape = _index_shape(url, args.lookups, seed["rows"])
    _print(seed, verify_ms, baseline_ms, shape, extrapolate(shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
