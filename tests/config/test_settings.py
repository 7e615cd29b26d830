"""A broken setup stops with one clear line naming what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SITE_URL", "DEBUG", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "0", "SITE_URL": "https://connect.example.com"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "SITE_URL"),
    ],
)
def test_production_without_a_required_variable_stops_with_one_line(env: dict[str, str], variable: str) -> None:
    result = manage("check", **env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"error: {variable} is not set; it is required when DEBUG is off"]


def test_a_malformed_database_url_gives_one_line() -> None:
    result = manage("check", DATABASE_URL="nosuchdb://what")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: DATABASE_URL is not a database URL")


def test_an_unreachable_database_gives_one_line() -> None:
    result = manage("migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: cannot use the database (check DATABASE_URL)")


def test_an_unreachable_broker_gives_one_line() -> None:
    result = manage("wait_for_services", CELERY_BROKER_URL="redis://127.0.0.1:1/0", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[0].startswith("error: broker unreachable (check CELERY_BROKER_URL)")
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_off_requires_https_site_url() -> None:
    result = manage("check", DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="http://connect.example.com")
    assert result.stderr.strip() == "error: SITE_URL must use https when DEBUG is off"
