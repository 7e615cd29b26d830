"""The operator command, run as an operator runs it: a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from idp.models import User

ROOT = Path(__file__).resolve().parent.parent.parent


def connect_user(*args: str) -> subprocess.CompletedProcess[str]:
    # The committed rows of this test's database, seen by a second process.
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url} if db["ENGINE"].endswith("postgresql") else dict(os.environ)
    return subprocess.run(
        [sys.executable, "manage.py", "connect_user", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


pytestmark = pytest.mark.django_db(transaction=True)


def test_create_prints_sub_and_email_and_the_account_can_sign_in() -> None:
    result = connect_user(
        "create", "--email", "Op@Example.com", "--password", "a long operator passphrase", "--name", "Op"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    user = User.objects.get(pk=out["sub"])
    assert out == {"sub": str(user.pk), "email": "op@example.com"}
    assert user.is_active and user.display_name == "Op"
    assert user.check_password("a long operator passphrase")
    assert EmailAddress.objects.get(user=user).verified


def test_deactivate_and_activate() -> None:
    connect_user("create", "--email", "dee@example.com")
    off = connect_user("deactivate", "--email", "dee@example.com")
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["active"] is False
    assert not User.objects.get(email="dee@example.com").is_active
    on = connect_user("activate", "--email", "DEE@example.com")
    assert json.loads(on.stdout)["active"] is True
    assert User.objects.get(email="dee@example.com").is_active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create"], "error: the following arguments are required: --email"),
        (["create", "--email", "not-an-email"], "error: not an email address: 'not-an-email'"),
        (
            ["create", "--email", "a@example.com", "--password", "short"],
            "error: password refused: This password is too short.",
        ),
        (["deactivate", "--email", "ghost@example.com"], "error: no account with the email address ghost@example.com"),
        (["explode"], "error: argument action: invalid choice"),
        ([], "error: the following arguments are required: action"),
    ],
)
def test_bad_arguments_give_one_clear_line_and_a_non_zero_exit(args: list[str], message: str) -> None:
    result = connect_user(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)


def test_an_address_already_taken_is_refused() -> None:
    connect_user("create", "--email", "twice@example.com")
    again = connect_user("create", "--email", "TWICE@example.com")
    assert again.returncode == 1
    assert again.stderr.strip() == "error: An account with this email address already exists."
    assert User.objects.filter(email="twice@example.com").count() == 1
