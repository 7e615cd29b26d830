"""Operator command for Connect accounts.

    manage.py connect_user create --email E [--password P] [--name N]
    manage.py connect_user deactivate --email E
    manage.py connect_user activate --email E

Success prints one JSON line; any refusal prints one ``error: ...`` line on
stderr and exits non-zero (2 for bad arguments, 1 for a refused operation).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.core.validators import validate_email
from django.utils import translation

from config.errors import ApplicationError
from idp.emails import normalize_email
from idp.selectors import account_by_email
from idp.services import account_activate, account_create, account_deactivate


class OneLineParser(CommandParser):
    """argparse prints the whole usage on an error; an operator needs the reason."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see --help)\n")
        raise SystemExit(2)


def fail(message: str) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(1)


class Command(BaseCommand):
    help = "Create, deactivate or activate a Connect account."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # same parser, one-line errors
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        create = actions.add_parser("create", help="an active account with a verified email")
        create.add_argument("--email", required=True)
        create.add_argument("--password", help="omit for an account that signs in after a reset mail")
        create.add_argument("--name", default="")
        create.add_argument("--language", default="sv", choices=["sv", "en"])
        for name in ("deactivate", "activate"):
            sub = actions.add_parser(name)
            sub.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        # The operator's own lines (error: ...) are English; so are the reasons in them.
        with translation.override("en"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        email = normalize_email(options["email"])
        try:
            validate_email(email)
        except ValidationError:
            fail(f"not an email address: {options['email']!r}")
        action = options["action"]
        try:
            if action == "create":
                user = account_create(
                    email=email,
                    password=options["password"],
                    display_name=options["name"],
                    language=options["language"],
                    email_verified=True,
                )
            else:
                found = account_by_email(email)
                if found is None:
                    fail(f"no account with the email address {email}")
                user = found
                (account_deactivate if action == "deactivate" else account_activate)(user=user)
        except ValidationError as exc:  # the password validators' reasons
            fail("password refused: " + " ".join(exc.messages))
        except ApplicationError as exc:
            fail(str(exc))
        result = {"sub": str(user.pk), "email": user.email}
        if action != "create":
            result["active"] = user.is_active  # type: ignore[assignment]
        self.stdout.write(json.dumps(result))
