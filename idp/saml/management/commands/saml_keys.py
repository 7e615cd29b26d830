"""Operator command for the SAML signing keys.

manage.py saml_keys list     # kid, state, expiry (never the key)
manage.py saml_keys rotate   # next → signing, new next published
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from idp.saml.keys import signing_keys_ensure, signing_keys_rotate
from idp.saml.models import SigningKey


class Command(BaseCommand):
    help = "List or rotate the SAML signing keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            key = signing_keys_rotate()
            self.stdout.write(json.dumps({"current": key.kid}))
            return
        signing_keys_ensure()
        rows = [
            {"kid": k.kid, "state": k.state, "not_after": k.not_after.isoformat()}
            for k in SigningKey.objects.exclude(state=SigningKey.State.RETIRED)
        ]
        self.stdout.write(json.dumps(rows, indent=2))
