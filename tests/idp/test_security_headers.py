"""Every page carries the security headers; production settings add HSTS and
Secure, HttpOnly, SameSite cookies; CSRF is enforced on the sign-in forms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from idp.models import User

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/", "/account/", "/nowhere/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_csp_no_framing_nosniff_and_referrer_policy(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused(person: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"login": "ada@example.com"}).status_code == 403
    assert client.post("/accounts/login/password/", {"login": "ada@example.com", "password": "x"}).status_code == 403
    assert client.post("/accounts/password/reset/", {"email": "ada@example.com"}).status_code == 403


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="production-probe-" + "x" * 40,
        SITE_URL="https://connect.example.com",
        DATABASE_URL="sqlite:///:memory:",
        CONNECT_VAR_DIR=str(ROOT / "var" / "test-artifacts" / "production-probe"),
    )
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("production_probe.py"))],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production: dict[str, Any]) -> None:
    status, location = production["plain_http"]
    assert status == 301
    assert location.startswith("https://connect.example.com/")


def test_production_sends_hsts_and_the_same_headers(production: dict[str, Any]) -> None:
    headers = production["headers"]
    assert production["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_production_cookies_are_secure_httponly_and_samesite(production: dict[str, Any]) -> None:
    assert production["login"] == 302
    cookies = production["cookies"]
    assert {"connect_session", "csrftoken"} <= set(cookies)
    for name, flags in cookies.items():
        assert flags["secure"], name
        assert flags["samesite"] in {"Lax", "Strict"}, name
    assert cookies["connect_session"]["httponly"]
    assert cookies["csrftoken"]["httponly"]
