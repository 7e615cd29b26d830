"""Operator command for OAuth clients; prints JSON (the secret only at create/rotate)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from idp.oidc import clients
from idp.oidc.models import Application


class Command(BaseCommand):
    help = "Create, list, disable OAuth/OIDC clients or rotate their secret. Prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a client")
        create.add_argument("--name", required=True)
        create.add_argument("--type", required=True, choices=["confidential", "public"])
        create.add_argument("--redirect-uri", action="append", default=[], dest="redirect_uris")
        create.add_argument("--post-logout-redirect-uri", action="append", default=[], dest="post_logout_redirect_uris")
        create.add_argument("--grant", action="append", default=[], dest="grants", choices=clients.GRANTS)
        create.add_argument("--scope", action="append", default=[], dest="scopes")
        create.add_argument("--trusted", action="store_true", help="first-party: no consent page")
        sub.add_parser("list", help="all clients")
        for name in ("disable", "rotate-secret"):
            action = sub.add_parser(name)
            action.add_argument("client_id")

    def _print(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                issued = clients.client_create(
                    name=options["name"],
                    client_type=options["type"],
                    redirect_uris=options["redirect_uris"],
                    post_logout_redirect_uris=options["post_logout_redirect_uris"],
                    grants=options["grants"] or None,
                    scopes=options["scopes"],
                    trusted=options["trusted"],
                )
                data = clients.client_summary(issued.application)
                if issued.client_secret:
                    data["client_secret"] = issued.client_secret
                self._print(data)
            elif action == "list":
                self._print([clients.client_summary(app) for app in Application.objects.order_by("name")])
            elif action == "disable":
                self._print(clients.client_summary(clients.client_disable(client_id=options["client_id"])))
            elif action == "rotate-secret":
                issued = clients.client_rotate_secret(client_id=options["client_id"])
                self._print({"client_id": issued.application.client_id, "client_secret": issued.client_secret})
        except clients.ClientError as exc:
            raise CommandError(str(exc)) from None
