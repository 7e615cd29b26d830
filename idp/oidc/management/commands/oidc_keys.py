"""Signing keys: list them, or take one rotation step (see idp.oidc.keys)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from idp.oidc import keys


class Command(BaseCommand):
    help = "List ID-token signing keys or rotate them (with overlap). Prints JSON; never a private key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        rotate = sub.add_parser(
            "rotate", help="publish the next key; promote it once it has been published long enough"
        )
        rotate.add_argument("--force", action="store_true", help="promote now even if the active key is not due")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            self.stdout.write(json.dumps(keys.keys_rotate(force=options["force"]), indent=2))
        self.stdout.write(json.dumps(keys.keys_list(), indent=2))
