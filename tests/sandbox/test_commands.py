"""The persona commands run in the sandbox and refuse to run under production settings."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage_in_production(database, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CAPTCHA_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_ALLOWED_HOSTS="dichvucong.example",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_persona_commands_refuse_production_and_create_no_account(tmp_path):
    database = tmp_path / "deploy.sqlite3"
    assert _manage_in_production(database, "migrate", "--noinput").returncode == 0

    seeded = _manage_in_production(database, "seed_sandbox", "--citizens", "0")
    listed = _manage_in_production(database, "personas", "--json")

    for result in (seeded, listed):
        assert result.returncode != 0
        assert "không chạy với cấu hình production" in result.stderr
        assert "DvcSandbox@2026" not in result.stdout
    with sqlite3.connect(database) as connection:
        accounts = connection.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]
    assert accounts == 0
