"""Start and stop production-style gunicorn servers on 127.0.0.1 for the benchmarks."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
STOP_SECONDS = 15
# The server `make run` starts (see the Makefile): its config file runs the hourly purges.
MAKE_RUN_ARGUMENTS = ("-c", "config/gunicorn.py", "--workers", "2", "--threads", "40")


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(database):
    """Return the DATABASE_URL of a SQLite file path, or database itself if it is a URL."""
    database = str(database)
    return database if "://" in database else f"sqlite:///{database}"


def django_env(database_path, settings_module="config.settings.local"):
    """Return the environment of a production-style process on the benchmark database."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=database_url(database_path),
        DJANGO_DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(database_path, *args, environment=None):
    """Run manage.py with args on the benchmark database (and environment); return stdout."""
    # Fixed argument lists built here, never a shell: nothing untrusted reaches the command.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**django_env(database_path), **(environment or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Gunicorn:
    """One threaded `gunicorn config.wsgi` on a free port; a context manager that stops it.

    By default 2 workers of 4 threads; `arguments` replaces those (e.g. `make run`'s own).
    """

    def __init__(
        self,
        database_path,
        log_path,
        settings_module="config.settings.local",
        *,
        arguments=("-w", "2", "-k", "gthread", "--threads", "4"),
        environment=None,
    ):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**django_env(database_path, settings_module), **(environment or {})}
        self.log_path = log_path
        self.arguments = list(arguments)
        self.process = None

    def __enter__(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--log-level",
                    "warning",
                    # Threaded workers keep connections alive, as a deployment behind a proxy does.
                    *self.arguments,
                    "-b",
                    f"127.0.0.1:{self.port}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_until_ready(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        log_tail = Path(self.log_path).read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn on port {self.port} did not start:\n{log_tail}")

    def stop(self):
        """Stop the master (which stops its workers); kill it if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)
