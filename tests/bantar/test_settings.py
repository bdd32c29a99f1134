"""The production settings are safe: `check --deploy` finds nothing to warn about."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The subprocesses read the production settings with the DATABASE_URL under test.
pytestmark = pytest.mark.database_url

ROOT = Path(__file__).resolve().parents[2]
# Variables a developer's shell or the browser tests may set, which a server must not have.
LEAKY_VARIABLES = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "bantar.settings_production",
    "SECRET_KEY": "x7#Gq2!pZ9@wL4$vN8^tR1&yK6*hJ3(mB5)cD0-eF2+aS9=uQ7",
    "ALLOWED_HOSTS": "bantar.jambikota.go.id",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_prints_no_warning_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "short"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_create_demo_accounts():
    result = run_manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "pengaturan produksi" in result.stderr


def test_production_keeps_database_connections_and_checks_them():
    script = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = run_manage("shell", "--no-imports", "-c", script, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["60", "True"], result.stderr
    result = run_manage(
        "shell", "--no-imports", "-c", script, env={**PRODUCTION_ENV, "DB_CONN_MAX_AGE": "0"}
    )
    assert result.stdout.split() == ["0", "True"], result.stderr


def test_production_never_takes_the_tests_cheap_password_hasher():
    script = (
        "from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1], "
        "any('MD5' in h for h in settings.PASSWORD_HASHERS))"
    )
    env = {**PRODUCTION_ENV, "BANTAR_FAST_PASSWORD_HASHER": "1"}
    result = run_manage("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.split() == ["PBKDF2PasswordHasher", "False"], result.stderr
