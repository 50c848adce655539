import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "DJANGO_ALLOWED_HOSTS": "dichvucong.example",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_the_documented_environment(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={"DJANGO_SECRET_KEY": secrets.token_urlsafe(64)},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    result = _manage("check", env_overrides={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_the_captcha_test_mode(tmp_path):
    result = _manage(
        "check",
        env_overrides={"DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "CAPTCHA_TEST_MODE": "1"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "CAPTCHA_TEST_MODE must be off in production" in result.stderr


SHOW_STORES = (
    "from django.conf import settings as s; "
    "from citizen_registry.conf import registry_api_settings as r; "
    "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, r.STORE)"
)


def test_redis_url_moves_the_cache_sessions_and_rate_limits_to_redis(tmp_path):
    result = _manage(
        "shell",
        "-c",
        SHOW_STORES,
        env_overrides={
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "REDIS_URL": "redis://127.0.0.1:6379/9",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "cache",
    ]


def test_without_redis_url_the_sessions_and_rate_limits_stay_in_the_database(tmp_path):
    result = _manage(
        "shell",
        "-c",
        SHOW_STORES,
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.local"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "database",
    ]
