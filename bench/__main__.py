"""Run the benchmarks: `python -m bench [--quick] [--count N]`; prints one table."""

import argparse
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from . import mockpass, organisation, signature, single_sign_on, vneid
from .servers import Gunicorn, django_env, manage

SEED_TARGET_SECONDS = 120
VERIFY_TARGET_MEDIAN_MS = 3.0
MIDDLEWARE_TARGET_PERCENT = 3.0
VNEID_FLOW_TARGET_MEDIAN_MS = 5.0
# The VNeID round trip against MockPass's full login, both medians from the same run.
MOCKPASS_TARGET_RATIO = 0.5
# Single sign-on at the province crosses two providers, yet should cost no more than MockPass.
SSO_TARGET_RATIO = 1.0
# An organisation's VNeID login (the role checked twice, act and the organisation's claims)
# against a citizen's, both on the same server in the same run.
ORGANISATION_TARGET_RATIO = 1.2
BACKCHANNEL_LOGOUT_TARGET_MS = 50.0
WARM_UP = 20
IDENTITY_PAGE = "/tai-khoan/thong-tin-dinh-danh/"
BASELINE_PATH = "/healthz"
VERIFY_PATH = "/registry/api/v1/citizens/verify"
PURPOSE = "integration_test"
# The benchmark calls verify back to back: far above the default per-key limit on purpose.
BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000
TIMEOUT_SECONDS = 10
WITHOUT_MIDDLEWARE_SETTINGS = "bench.settings_without_cccd_middleware"


@dataclass
class Fixtures:
    """What the HTTP measurements need, prepared directly in the benchmark database."""

    api_key: str
    verify_bodies: list
    session_cookie: dict
    account_name: str


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 rows and fewer calls")
    parser.add_argument("--count", type=int, help="citizens to seed (default 1,000,000)")
    parser.add_argument("--calls", type=int, help="verify calls (default 1,000)")
    parser.add_argument("--page-requests", type=int, help="page requests per server")
    parser.add_argument("--rounds", type=int, help="interleaved rounds for the middleware")
    parser.add_argument("--server-pairs", type=int, help="fresh server sets for the middleware")
    parser.add_argument("--page", default=IDENTITY_PAGE, help="page for the middleware cost")
    parser.add_argument("--flows", type=int, help="sequential VNeID flows (default 200)")
    parser.add_argument("--logins", type=int, help="USB and password logins each (default 100)")
    parser.add_argument("--sso", type=int, help="single sign-on logins and logouts (default 100)")
    args = parser.parse_args(argv)
    defaults = (
        (100_000, 200, 400, 8, 2, 50) if args.quick else (1_000_000, 1_000, 2_000, 20, 4, 200)
    )
    args.count = args.count or defaults[0]
    args.calls = args.calls or defaults[1]
    args.page_requests = args.page_requests or defaults[2]
    args.rounds = args.rounds or defaults[3]
    args.server_pairs = max(1, min(args.server_pairs or defaults[4], args.rounds))
    args.flows = args.flows or defaults[5]
    args.logins = args.logins or (30 if args.quick else 100)
    args.sso = args.sso or (30 if args.quick else 100)
    return args


def _seed(database, count):
    started = time.perf_counter()
    output = manage(database, "seed_registry", "--count", str(count))
    wall = time.perf_counter() - started
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT COUNT(*) FROM citizen_registry_citizen").fetchone()[0]
    # The command's own rate leaves out the start-up of Django; the wall time includes it.
    own_rate = re.search(r"\(([\d,]+) dòng/giây\)", output)
    rate = int(own_rate.group(1).replace(",", "")) if own_rate else rows / wall
    return {"rows": rows, "wall": wall, "rate": rate}


def _prepare(database, calls):
    """Register an API key, pick citizens to verify, and log an account in (in this process)."""
    os.environ.update(django_env(database))
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.db import connections
    from django.db.models import Max

    from citizen_registry.models import Citizen
    from citizen_registry.services import create_api_client

    _, api_key = create_api_client(
        name="Đo hiệu năng",
        can_read_records=False,
        rate_limit_per_minute=BENCH_RATE_LIMIT_PER_MINUTE,
    )
    rng = random.Random(7)  # noqa: S311 - picks test data, nothing secret
    highest = Citizen.objects.aggregate(Max("id"))["id__max"]
    wanted = min(calls + WARM_UP, highest)
    citizens = list(Citizen.objects.filter(pk__in=rng.sample(range(1, highest + 1), wanted)))
    rng.shuffle(citizens)
    bodies = [
        {
            "cccd_number": c.cccd_number,
            "cmnd_number": c.cmnd_number or None,
            "full_name": c.full_name,
            "birth_date": c.birth_date.isoformat(),
            "purpose": PURPOSE,
            "purpose_note": "Đo hiệu năng (bench)",
            "requested_by": "bench",
        }
        for c in citizens
    ]

    holder = Citizen.objects.exclude(cmnd_number="").order_by("id").first()
    account = get_user_model().objects.create_user(
        holder.cmnd_number,
        None,
        cmnd_number=holder.cmnd_number,
        cccd_number=holder.cccd_number,
        full_name=holder.full_name,
        birth_date=holder.birth_date,
        gender=holder.gender,
    )
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session.save()
    connections.close_all()
    return Fixtures(
        api_key=api_key,
        verify_bodies=bodies,
        session_cookie={settings.SESSION_COOKIE_NAME: session.session_key},
        account_name=holder.full_name,
    )


def _timed(call):
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000, response


def _verify_calls(base_url, fixtures):
    """Time verify calls one after another, each followed by a baseline call."""
    http = requests.Session()
    headers = {"Authorization": f"Bearer {fixtures.api_key}"}
    bodies = fixtures.verify_bodies

    def verify(body):
        return http.post(
            base_url + VERIFY_PATH, json=body, headers=headers, timeout=TIMEOUT_SECONDS
        )

    def baseline():
        return http.get(base_url + BASELINE_PATH, timeout=TIMEOUT_SECONDS)

    for body in bodies[:WARM_UP]:
        verify(body)
        baseline()
    verify_ms, baseline_ms, matches = [], [], 0
    for body in bodies[WARM_UP:]:
        elapsed, response = _timed(lambda body=body: verify(body))
        if response.status_code != 200:
            raise RuntimeError(f"verify answered {response.status_code}: {response.text[:300]}")
        matches += response.json()["match"]
        verify_ms.append(elapsed)
        elapsed, response = _timed(baseline)
        if response.status_code != 200:
            raise RuntimeError(f"{BASELINE_PATH} answered {response.status_code}")
        baseline_ms.append(elapsed)
    return verify_ms, baseline_ms, matches


def _page_session(base_url, fixtures, page):
    http = requests.Session()
    http.cookies.update(fixtures.session_cookie)
    response = http.get(base_url + page, allow_redirects=False, timeout=TIMEOUT_SECONDS)
    if response.status_code != 200 or fixtures.account_name not in response.text:
        raise RuntimeError(
            f"GET {page} answered {response.status_code} "
            f"{response.headers.get('Location', '')} without the logged-in account's page; "
            "pass another page with --page."
        )
    return http


def _page_seconds(http, url, count):
    started = time.perf_counter()
    for _ in range(count):
        response = http.get(url, allow_redirects=False, timeout=TIMEOUT_SECONDS)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code} during the run")
    return time.perf_counter() - started


def _server_trio(database, workdir, pair):
    """Return, not yet started: with the middleware, without it, and with it again (control)."""
    return {
        "with": Gunicorn(database, workdir / f"with-{pair}.log"),
        "without": Gunicorn(database, workdir / f"without-{pair}.log", WITHOUT_MIDDLEWARE_SETTINGS),
        "control": Gunicorn(database, workdir / f"control-{pair}.log"),
    }


def _middleware_cost(database, workdir, fixtures, args):
    """Compare page throughput with and without the CCCD middleware, in rotating rounds.

    A third server runs the same code as the first: the with/control ratio is this machine's
    noise floor, measured in the same run, against which the middleware's cost is read.
    """
    # Several fresh sets of servers, so that one process's luck (memory layout, hash seed)
    # does not pass for the middleware's cost.
    per_round = max(1, args.page_requests // args.rounds)
    seconds = {"with": 0.0, "without": 0.0, "control": 0.0}
    rounds_left = args.rounds
    for pair in range(args.server_pairs):
        rounds = rounds_left // (args.server_pairs - pair)
        rounds_left -= rounds
        trio = _server_trio(database, workdir, pair)
        with trio["with"], trio["without"], trio["control"]:
            servers = {
                name: (_page_session(server.base_url, fixtures, args.page), server.base_url)
                for name, server in trio.items()
            }
            for http, base_url in servers.values():
                _page_seconds(http, base_url + args.page, WARM_UP)
            names = list(servers)
            for round_number in range(rounds):
                # Rotate who goes first, so drift in the machine's speed spreads evenly.
                shift = round_number % len(names)
                for name in names[shift:] + names[:shift]:
                    http, base_url = servers[name]
                    seconds[name] += _page_seconds(http, base_url + args.page, per_round)
    total = per_round * args.rounds
    return {
        "with_rps": total / seconds["with"],
        "without_rps": total / seconds["without"],
        "cost_percent": (seconds["with"] / seconds["without"] - 1) * 100,
        "noise_percent": (seconds["control"] / seconds["with"] - 1) * 100,
        "requests": total,
    }


def _p95(values):
    return statistics.quantiles(values, n=100)[94]


def _verdict(ok):
    return "OK" if ok else "MISSED"


def _signature_rows(checks, logins):
    return [
        (
            f"USB ký số signature check (chain, dates, signature, CRL, account), "
            f"{checks['count']} in-process",
            f"median {checks['signature_median']:.2f} ms, p95 {checks['signature_p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  password check (argon2), same run",
            f"median {checks['password_median']:.2f} ms, p95 {checks['password_p95']:.2f} ms",
            "",
            "",
        ),
        ("  ratio signature check / password check", f"{checks['ratio']:.3f}", "", ""),
        (
            f"USB ký số login over HTTP (page, challenge, sign, verify), {logins['count']} seq.",
            f"median {logins['signature_median']:.2f} ms, p95 {logins['signature_p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  password login over HTTP (page, POST form), same run",
            f"median {logins['password_median']:.2f} ms, p95 {logins['password_p95']:.2f} ms",
            "",
            "",
        ),
        ("  ratio USB login / password login", f"{logins['ratio']:.3f}", "", ""),
    ]


def _mockpass_rows(flow, mockpass_login):
    """Return the table's rows comparing the VNeID round trip with MockPass's full login."""
    if isinstance(mockpass_login, str):
        return [("MockPass full login (npm @opengovsg/mockpass)", "skipped", "", mockpass_login)]
    ratio = flow["flow_median"] / mockpass_login["median"]
    return [
        (
            f"MockPass full login (authorize, token, ID token), {mockpass_login['flows']} seq.",
            f"median {mockpass_login['median']:.2f} ms, p95 {mockpass_login['p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  ratio VNeID round trip / MockPass login, same run",
            f"{ratio:.3f}",
            f"≤ {MOCKPASS_TARGET_RATIO:g}",
            _verdict(ratio <= MOCKPASS_TARGET_RATIO),
        ),
    ]


def _organisation_rows(figures):
    """Return the rows of the organisation's VNeID login against the citizen's."""
    return [
        (
            f"VNeID login as an organisation (sub + act), {figures['flows']} seq., in turn",
            f"median {figures['organisation_median']:.2f} ms, "
            f"p95 {figures['organisation_p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  citizen VNeID login, same run",
            f"median {figures['citizen_median']:.2f} ms, p95 {figures['citizen_p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  ratio organisation VNeID login (with act) / citizen VNeID login, same run",
            f"{figures['ratio']:.3f}",
            f"≤ {ORGANISATION_TARGET_RATIO:g}",
            _verdict(figures["ratio"] <= ORGANISATION_TARGET_RATIO),
        ),
    ]


def _sso_rows(sso, logout, trips, mockpass_login):
    """Return the rows of the single sign-on login and of the back-channel logout."""
    rows = [
        (
            f"single sign-on at the province (VNeID session, no typing), {sso['flows']} seq.",
            f"median {sso['median']:.2f} ms, p95 {sso['p95']:.2f} ms",
            "",
            "",
        ),
        (
            "  round trips: browser requests / calls between the servers",
            f"{len(trips['browser'])} / {len(trips['server_calls'])}",
            "",
            "",
        ),
    ]
    if isinstance(mockpass_login, str):
        rows.append(("  ratio single sign-on / MockPass login", "skipped", "", mockpass_login))
    else:
        ratio = sso["median"] / mockpass_login["median"]
        rows.append(
            (
                "  ratio single sign-on / MockPass login, same run",
                f"{ratio:.3f}",
                f"≤ {SSO_TARGET_RATIO:g}",
                _verdict(ratio <= SSO_TARGET_RATIO),
            )
        )
    rows.append(
        (
            f"back-channel logout reaching {logout['receivers']} portals "
            f"(service's end session), {logout['logouts']} seq.",
            f"median {logout['median']:.2f} ms, p95 {logout['p95']:.2f} ms",
            f"median ≤ {BACKCHANNEL_LOGOUT_TARGET_MS:g} ms",
            _verdict(logout["median"] <= BACKCHANNEL_LOGOUT_TARGET_MS),
        )
    )
    rows.append(
        (
            "  the same end session with no portal to tell, alternating",
            f"median {logout['alone_median']:.2f} ms, p95 {logout['alone_p95']:.2f} ms",
            "",
            "",
        )
    )
    return rows


def _single_sign_on(database, workdir, args, mockpass_login):
    """Time single sign-on at the province and the back-channel logout on fresh servers.

    One server answers one login with an access log, to count its round trips; another, without
    a log, is timed. Each organisation reaches the others on its own server (SANDBOX_BASE_URL).
    """
    counted = Gunicorn(
        database,
        workdir / "sso-count.log",
        arguments=(
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--access-logfile",
            str(workdir / "sso-access.log"),
        ),
    )
    timed = Gunicorn(database, workdir / "sso.log")
    for server in (counted, timed):
        server.env.update(SANDBOX_BASE_URL=server.base_url)
    # The timed server first: the province's back-channel URI is registered at the first address.
    fixtures = single_sign_on.prepare([timed.base_url, counted.base_url])
    with counted:
        trips = single_sign_on.count_round_trips(
            counted.base_url, fixtures, workdir / "sso-access.log"
        )
    with timed:
        sso = single_sign_on.measure_sso(timed.base_url, fixtures, flows=args.sso)
        logout = single_sign_on.measure_logout(
            timed.base_url, fixtures, logouts=args.sso, workdir=workdir
        )
    print("Single sign-on round trips, browser: " + " → ".join(trips["browser"]), flush=True)
    print("  between the servers: " + ", ".join(trips["server_calls"]), flush=True)
    print(
        "  each browser request, median: "
        + ", ".join(f"{hop} {ms:.1f} ms" for hop, ms in sso["hops"]),
        flush=True,
    )
    return _sso_rows(sso, logout, trips, mockpass_login)


def _measure_mockpass(flows):
    """Return MockPass's login figures, or the reason it could not run (Node missing...)."""
    try:
        return mockpass.measure(flows=flows)
    except mockpass.Unavailable as reason:
        return str(reason)


def _print_table(args, seed, api, flow, page, signing=()):
    verify_ms, baseline_ms, matches = api
    median_verify = statistics.median(verify_ms)
    rows = [
        (
            f"seed_registry, {seed['rows']:,} rows (SQLite file)",
            f"{seed['wall']:.1f} s wall, {seed['rate']:,.0f} rows/s",
            f"≤ {SEED_TARGET_SECONDS} s",
            _verdict(seed["wall"] <= SEED_TARGET_SECONDS),
        ),
        (
            f"POST verify, {len(verify_ms)} sequential calls",
            f"median {median_verify:.2f} ms, p95 {_p95(verify_ms):.2f} ms",
            f"median ≤ {VERIFY_TARGET_MEDIAN_MS:g} ms",
            _verdict(median_verify <= VERIFY_TARGET_MEDIAN_MS),
        ),
        (
            f"  baseline GET {BASELINE_PATH}, same run",
            f"median {statistics.median(baseline_ms):.2f} ms, p95 {_p95(baseline_ms):.2f} ms",
            "",
            "",
        ),
        (
            "  verify answers with match=true",
            f"{matches} of {len(verify_ms)}",
            "all",
            _verdict(matches == len(verify_ms)),
        ),
        (
            f"VNeID round trip (authorize, token, ID token), {flow['flows']} sequential",
            f"median {flow['flow_median']:.2f} ms, p95 {flow['flow_p95']:.2f} ms",
            f"median ≤ {VNEID_FLOW_TARGET_MEDIAN_MS:g} ms",
            _verdict(flow["flow_median"] <= VNEID_FLOW_TARGET_MEDIAN_MS),
        ),
        (
            "  baseline GET discovery document, same run",
            f"median {flow['discovery_median']:.2f} ms, p95 {flow['discovery_p95']:.2f} ms",
            "",
            "",
        ),
        (
            f"  {flow['workers']} concurrent clients: flows/s vs discovery GET/s",
            f"{flow['flow_rate']:.0f} flows/s vs {flow['discovery_rate']:.0f} GET/s "
            f"(ratio {flow['flow_rate'] / flow['discovery_rate']:.2f})",
            "",
            "",
        ),
        (
            f"GET {args.page}, {page['requests']} req, with CCCD middleware",
            f"{page['with_rps']:.1f} req/s",
            "",
            "",
        ),
        (
            "  same page, without the middleware",
            f"{page['without_rps']:.1f} req/s",
            "",
            "",
        ),
        (
            f"  middleware cost: throughput ratio over {args.rounds} rounds, "
            f"{args.server_pairs} server sets",
            f"{page['cost_percent']:+.1f} %",
            f"≤ {MIDDLEWARE_TARGET_PERCENT:g} %",
            _verdict(page["cost_percent"] <= MIDDLEWARE_TARGET_PERCENT),
        ),
        (
            "  noise floor: same code on a control server",
            f"{page['noise_percent']:+.1f} %",
            "",
            "",
        ),
        *signing,
    ]
    headers = ("measure", "result", "target", "verdict")
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(4)]
    line = "  ".join("-" * width for width in widths)
    print()
    print(
        f"DVC Sandbox benchmarks — Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
        "gunicorn -w 2 -k gthread --threads 4 on 127.0.0.1"
    )
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print()


def _signature_comparison(database, workdir, fixtures, args):
    """Time USB ký số beside password logins on a server that reaches its own sandbox CA."""
    server = Gunicorn(database, workdir / "signature.log")
    # The portal fetches the root and CRL from the CA on the same server; the captcha takes
    # "PASSED" so that a script can post the password form.
    server.env.update(CA_BASE_URL=f"{server.base_url}/ca/", CAPTCHA_TEST_MODE="1")
    with server:
        checks = signature.measure_checks(server.base_url, fixtures, count=args.logins)
        logins = signature.measure_logins(server.base_url, fixtures, count=args.logins)
    return _signature_rows(checks, logins)


def main(argv=None):
    """Seed a temporary database, measure on gunicorn, print the table, clean up."""
    args = _parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="dvc-bench-"))
    database = workdir / "db.sqlite3"
    try:
        print(f"Migrating a fresh SQLite database in {workdir} …", flush=True)
        manage(database, "migrate", "--noinput", "-v", "0")
        print(f"Seeding {args.count:,} citizens …", flush=True)
        seed = _seed(database, args.count)
        fixtures = _prepare(database, args.calls)
        vneid_fixtures = vneid.prepare()
        organisation_fixtures = organisation.prepare()
        signature_fixtures = signature.prepare()
        print(f"Timing {args.calls} verify calls on gunicorn …", flush=True)
        with Gunicorn(database, workdir / "api.log") as server:
            api = _verify_calls(server.base_url, fixtures)
            print(f"Timing {args.flows} VNeID flows …", flush=True)
            flow = vneid.measure(
                server.base_url, vneid_fixtures, flows=args.flows, concurrent_flows=args.flows * 2
            )
            print(
                f"Timing {args.flows} organisation and citizen VNeID logins in turn …", flush=True
            )
            organisation_rows = _organisation_rows(
                organisation.measure(server.base_url, organisation_fixtures, flows=args.flows)
            )
        print(f"Timing {args.flows} MockPass logins …", flush=True)
        mockpass_login = _measure_mockpass(args.flows)
        mockpass_rows = _mockpass_rows(flow, mockpass_login)
        print(
            f"Timing {args.sso} single sign-on logins at the provincial portal and "
            f"{args.sso} back-channel logouts …",
            flush=True,
        )
        sso_rows = _single_sign_on(database, workdir, args, mockpass_login)
        print(
            f"Timing {args.page} with and without the CCCD middleware "
            f"({args.server_pairs} sets of servers) …",
            flush=True,
        )
        page = _middleware_cost(database, workdir, fixtures, args)
        print(f"Timing {args.logins} USB ký số and password logins …", flush=True)
        signing = _signature_comparison(database, workdir, signature_fixtures, args)
        _print_table(
            args,
            seed,
            api,
            flow,
            page,
            [*organisation_rows, *mockpass_rows, *sso_rows, *signing],
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
