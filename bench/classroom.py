"""A class at once: create a 40-seat class, then 40 trainees walk guide steps 1–4 together.

`python -m bench.classroom [--seats 40] [--backend sqlite|postgres|both]`. Each backend gets
a fresh database and the server `make run` starts (gunicorn, 2 workers x 40 threads). Each
simulated trainee is a thread with its own cookies walking its own seat's Nga over HTTP:
1 log in with the old account, 2 the CCCD screen, 3 link the CCCD, 4 log out, log in with
VNeID and see the inherited dossiers. Reported: errors (target 0), the time to create the
class (target <= 5 s), the median and p95 of each step, next to /healthz on the same server.
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

import requests

from .servers import MAKE_RUN_ARGUMENTS, Gunicorn, manage

CREATE_TARGET_SECONDS = 5.0
TIMEOUT_SECONDS = 30
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
STEPS = ("Bước 1 đăng nhập", "Bước 2 màn hình CCCD", "Bước 3 cập nhật CCCD", "Bước 4 VNeID")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ERROR_SUMMARY = re.compile(r'data-testid="error-summary">(.*?)</div>\s*</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _class_environment(base_url):
    """What the class's server and commands add to a benchmark process's environment."""
    return {
        "SANDBOX_BASE_URL": base_url,
        # Trainees type the captcha in class; the simulated ones answer the test mode's PASSED.
        "CAPTCHA_TEST_MODE": "1",
        "PYTHONWARNINGS": "ignore",
    }


def _csrf(response):
    found = _CSRF.search(response.text)
    if not found:
        raise AssertionError(f"no CSRF token on {response.url}")
    return found.group(1)


def _shown_error(html):
    """Return the error summary's text on a page, as the trainee read it."""
    found = _ERROR_SUMMARY.search(html)
    if not found:
        return "(no error summary)"
    return " ".join(_TAG.sub(" ", found.group(1)).split())


def _expect(condition, message):
    if not condition:
        raise AssertionError(message)


def walk(base_url, seat):
    """Walk guide steps 1–4 as this seat's Nga; return the seconds of each step and the session."""
    nga = next(p for p in seat["personas"] if p["key"] == "nga")
    http = requests.Session()
    timings = []

    started = time.perf_counter()
    page = http.get(f"{base_url}/dang-nhap/", timeout=TIMEOUT_SECONDS)
    answer = http.post(
        f"{base_url}/dang-nhap/",
        data={
            "csrfmiddlewaretoken": _csrf(page),
            "username": nga["username"],
            "password": nga["password"],
            "captcha_0": "class",
            "captcha_1": "PASSED",
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=TIMEOUT_SECONDS,
    )
    _expect(answer.status_code == 302, f"login answered {answer.status_code}")
    cccd_url = urljoin(base_url, answer.headers["Location"])
    _expect("cap-nhat-cccd" in cccd_url, f"login led to {cccd_url}, not the CCCD screen")
    timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    screen = http.get(cccd_url, timeout=TIMEOUT_SECONDS)
    _expect(screen.status_code == 200 and 'name="cccd_number"' in screen.text, "no CCCD form")
    timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    linked = http.post(
        cccd_url,
        data={"csrfmiddlewaretoken": _csrf(screen), "cccd_number": nga["cccd_number"]},
        headers={"Referer": cccd_url},
        allow_redirects=False,
        timeout=TIMEOUT_SECONDS,
    )
    _expect(
        linked.status_code == 302,
        f"CCCD update answered {linked.status_code}: {_shown_error(linked.text)}",
    )
    _expect("cap-nhat-cccd" not in linked.headers["Location"], "CCCD not linked")
    timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    home = http.get(f"{base_url}/tai-khoan/", timeout=TIMEOUT_SECONDS)
    http.post(
        f"{base_url}/dang-xuat/",
        data={"csrfmiddlewaretoken": _csrf(home)},
        headers={"Referer": home.url},
        timeout=TIMEOUT_SECONDS,
    )
    login_page = http.get(f"{base_url}/dang-nhap/vneid/", timeout=TIMEOUT_SECONDS)
    _expect("/vneid/authorize" in login_page.url, f"VNeID start led to {login_page.url}")
    back = http.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": _csrf(login_page),
            "personal_id_number": nga["vneid"]["personal_id_number"],
            "password": nga["vneid"]["password"],
        },
        headers={"Referer": login_page.url},
        timeout=TIMEOUT_SECONDS,
    )
    _expect(back.status_code == 200, f"VNeID login ended with {back.status_code}")
    dossiers = http.get(f"{base_url}/ho-so/", timeout=TIMEOUT_SECONDS)
    _expect(dossiers.status_code == 200, f"dossiers answered {dossiers.status_code}")
    _expect("G22." in dossiers.text, "the inherited dossiers are not listed")
    timings.append(time.perf_counter() - started)
    return timings, http


def _healthz(base_url):
    began = time.perf_counter()
    requests.get(base_url + "/healthz", timeout=TIMEOUT_SECONDS)
    return time.perf_counter() - began


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run_class(backend, database_url, seats, workdir):
    """Run the scenario on one backend; return its figures."""
    server = Gunicorn(database_url, workdir / f"{backend}.log", arguments=MAKE_RUN_ARGUMENTS)
    # Every address the sandbox registers follows the port the server was given.
    environment = _class_environment(server.base_url)
    server.env.update(environment)

    def manage_class(*args):
        return manage(database_url, *args, environment=environment)

    manage_class("migrate", "--noinput", "-v", "0")
    manage_class("seed_sandbox", "--citizens", "200", "--quiet")
    started = time.perf_counter()
    output = manage_class("create_class", "--name", "Lớp đo tải", "--seats", str(seats), "--json")
    create_seconds = time.perf_counter() - started
    state = json.loads(output)
    errors = []
    results = []
    lock = threading.Lock()
    with server:
        health = [_healthz(server.base_url) for _ in range(20)]
        busy_health = []
        walking = threading.Event()
        barrier = threading.Barrier(seats)

        def watch_health():
            # /healthz while the class walks: what one more visitor waits meanwhile.
            while not walking.is_set():
                busy_health.append(_healthz(server.base_url))
                walking.wait(0.1)

        def trainee(seat):
            barrier.wait()
            try:
                timings, _ = walk(server.base_url, seat)
            except (AssertionError, requests.RequestException, KeyError) as error:
                with lock:
                    errors.append(f"chỗ {seat['seat']}: {error}")
                return
            with lock:
                results.append(timings)

        watcher = threading.Thread(target=watch_health)
        watcher.start()
        with ThreadPoolExecutor(max_workers=seats) as pool:
            list(pool.map(trainee, state["seats"]))
        walking.set()
        watcher.join()
    steps = [(name, [timings[index] for timings in results]) for index, name in enumerate(STEPS)]
    return {
        "backend": backend,
        "seats": seats,
        "create_seconds": create_seconds,
        "errors": errors,
        "health": health,
        "busy_health": busy_health,
        "steps": steps,
    }


def _postgres_database():
    import psycopg

    name = f"dvc_bench_class_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, f"{POSTGRES_ADMIN_URL}/{name}"


def _drop_postgres(name):
    import psycopg

    with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def print_report(figures):
    verdict = "đạt" if figures["create_seconds"] <= CREATE_TARGET_SECONDS else "CHƯA ĐẠT"
    print(f"\n== Lớp {figures['seats']} chỗ trên gunicorn + {figures['backend']} ==")
    print(
        f"Tạo lớp (create_class, kể cả khởi động Django): {figures['create_seconds']:.1f} s "
        f"(mục tiêu <= {CREATE_TARGET_SECONDS:.0f} s: {verdict})"
    )
    errors = figures["errors"]
    print(f"Lỗi: {len(errors)} / {figures['seats']} học viên (mục tiêu 0)")
    for error in errors[:10]:
        print(f"  {error}")
    print(f"{'bước':<24} {'trung vị':>10} {'p95':>10}")
    for name, health in (
        ("/healthz (rảnh)", figures["health"]),
        ("/healthz (khi lớp học)", figures["busy_health"]),
    ):
        print(f"{name:<24} {_ms(statistics.median(health)):>10} {_ms(_p95(health)):>10}")
    for name, values in figures["steps"]:
        if values:
            print(f"{name:<24} {_ms(statistics.median(values)):>10} {_ms(_p95(values)):>10}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.classroom", description=__doc__)
    parser.add_argument("--seats", type=int, default=40)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="dvc-class-bench-") as tmp:
        workdir = Path(tmp)
        if args.backend in ("sqlite", "both"):
            figures = run_class(
                "SQLite", f"sqlite:///{workdir / 'class.sqlite3'}", args.seats, workdir
            )
            print_report(figures)
            failed |= bool(figures["errors"])
        if args.backend in ("postgres", "both"):
            name, url = _postgres_database()
            try:
                figures = run_class("PostgreSQL", url, args.seats, workdir)
            finally:
                _drop_postgres(name)
            print_report(figures)
            failed |= bool(figures["errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
