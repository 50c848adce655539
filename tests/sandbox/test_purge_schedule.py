"""The server `make run` starts deletes expired workspaces by itself, without a cron job."""

import sqlite3
import time

from bench.servers import MAKE_RUN_ARGUMENTS, Gunicorn, manage
from sandbox.models import TrainingClass, Workspace

EXPIRE_ONE_WORKSPACE = (
    "from datetime import timedelta\n"
    "from sandbox.workspaces import create_workspace\n"
    "kept = create_workspace(name='còn hạn')\n"
    "old = create_workspace(name='hết hạn')\n"
    "type(old).objects.filter(pk=old.pk).update(expires_at=old.created_at - timedelta(days=1))\n"
)
WAIT_SECONDS = 60


def _workspace_names(database):
    query = (
        f"SELECT c.name FROM {Workspace._meta.db_table} w "
        f"JOIN {TrainingClass._meta.db_table} c ON c.id = w.training_class_id"
    )
    with sqlite3.connect(database) as connection:
        return [name for (name,) in connection.execute(query)]


def test_the_make_run_server_purges_expired_workspaces_every_interval(tmp_path):
    database = tmp_path / "purge.sqlite3"
    manage(database, "migrate", "--noinput", "-v", "0")
    manage(database, "shell", "-c", EXPIRE_ONE_WORKSPACE)
    assert sorted(_workspace_names(database)) == ["còn hạn", "hết hạn"]
    log = tmp_path / "gunicorn.log"

    with Gunicorn(
        database,
        log,
        arguments=(*MAKE_RUN_ARGUMENTS, "--log-level", "info"),
        environment={"SANDBOX_PURGE_INTERVAL_SECONDS": "1"},
    ):
        deadline = time.monotonic() + WAIT_SECONDS
        while _workspace_names(database) != ["còn hạn"] and time.monotonic() < deadline:
            time.sleep(0.5)
        names = _workspace_names(database)
        # It keeps going: a second run finds nothing more to delete.
        while log.read_text().count("purge_workspaces:") < 2 and time.monotonic() < deadline:
            time.sleep(0.5)

    assert names == ["còn hạn"]
    text = log.read_text()
    assert "purge_workspaces: Đã xoá 1 không gian làm việc hết hạn." in text
    assert "purge_workspaces: Đã xoá 0 không gian làm việc hết hạn." in text
    assert "purge_vneid:" in text
    # One worker purges, not each of them.
    purging = {line.split("] [")[1] for line in text.splitlines() if "] purge_" in line}
    assert len(purging) == 1
