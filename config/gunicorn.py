"""gunicorn settings of `make run`: the server itself runs the hourly purges.

A trainer's `make run` may serve a class for a week; nobody adds a cron job for it. So one
worker runs `purge_workspaces` (expired classes and CI seats, with everything in them) and
`purge_vneid` (undelivered back-channel logouts retried; expired codes, tokens, sessions, old
failed logins), `purge_national_login` (the national login service's likewise) and
`purge_provincial_portal` (the province's spent sessions and abandoned logins) when it
starts and then every SANDBOX_PURGE_INTERVAL_SECONDS (default an hour).

Which worker: the one holding a file lock named after the master, so the purges run once, and
another worker takes over when that one is replaced. Not the master: it forks workers at any
moment, and a worker forked while the master starts a process of its own inherits that
process's pipes and keeps the master waiting until it exits.
"""

import fcntl
import os
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any, Protocol


class _Log(Protocol):
    def info(self, msg: str, *args: object) -> None: ...
    def exception(self, msg: str, *args: object) -> None: ...


PURGES = ("purge_workspaces", "purge_vneid", "purge_national_login", "purge_provincial_portal")
worker_class = "gthread"
timeout = 60


def purge_interval_seconds() -> float:
    return float(os.environ.get("SANDBOX_PURGE_INTERVAL_SECONDS", "3600"))


def run_purges(log: _Log) -> None:
    from django.core.management import call_command
    from django.db import connections

    for command in PURGES:
        output = StringIO()
        try:
            call_command(command, stdout=output)
        except Exception:
            log.exception("%s failed", command)
            continue
        finally:
            # A thread of its own: its connections are not closed by any request's end.
            connections.close_all()
        lines = output.getvalue().strip().splitlines()
        log.info("%s: %s", command, lines[-1] if lines else "(no output)")


def _lock_path(master_pid: int) -> Path:
    return Path(tempfile.gettempdir()) / f"dvc-sandbox-purges-{master_pid}.lock"


# gunicorn has no type information: its worker and arbiter are `Any` here.
def post_worker_init(worker: Any) -> None:
    lock_path = _lock_path(worker.ppid)

    def purge_while_holding_the_lock() -> None:
        # Opened and kept for the worker's life: the lock goes with the process.
        lock = lock_path.open("w")
        while worker.alive:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # Another worker purges; this one takes over if that one is replaced.
            else:
                run_purges(worker.log)
            time.sleep(purge_interval_seconds())

    threading.Thread(target=purge_while_holding_the_lock, name="hourly-purges", daemon=True).start()


def on_exit(server: Any) -> None:
    _lock_path(server.pid).unlink(missing_ok=True)
