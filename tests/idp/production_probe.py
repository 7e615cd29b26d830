"""Run by test_security_headers in a fresh process with production settings
(DEBUG=0): signs in over HTTPS through the real pages and prints what a browser
would get, as JSON. Not a test module itself."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
call_command("migrate", verbosity=0, run_syncdb=True)
# Rendering only: the manifest of collected static files is a deploy step.
with override_settings(
    STORAGES={
        **django.conf.settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
):
    from idp.services import account_create

    account_create(email="prod@example.com", password="a long production passphrase", email_verified=True)
    client = Client(HTTP_HOST="connect.example.com")
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
    client.post("/accounts/login/", {"login": "prod@example.com"}, secure=True)
    done = client.post(
        "/accounts/login/password/",
        {"login": "prod@example.com", "password": "a long production passphrase"},
        secure=True,
    )
    cookies = {
        name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
        for name, c in client.cookies.items()
    }
    json.dump(
        {
            "plain_http": [plain.status_code, plain.get("Location", "")],
            "status": page.status_code,
            "login": done.status_code,
            "headers": dict(page.headers),
            "cookies": cookies,
        },
        sys.stdout,
    )
