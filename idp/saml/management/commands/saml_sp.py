"""Operator command: register, list and remove SAML service providers.

manage.py saml_sp add --metadata FILE [--attribute NAME ...] [--nameid-format F] [--allow-idp-initiated]
manage.py saml_sp list
manage.py saml_sp remove ENTITY_ID
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import ApplicationError
from idp.saml.attributes import ATTRIBUTES
from idp.saml.models import NAMEID_FORMATS, NAMEID_PERSISTENT, ServiceProvider
from idp.saml.registry import service_provider_add, service_provider_remove

_FORMAT_ALIASES = {"email": NAMEID_FORMATS[0], "persistent": NAMEID_FORMATS[1], "transient": NAMEID_FORMATS[2]}


class Command(BaseCommand):
    help = "Register, list or remove SAML service providers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register an SP from its metadata file.")
        add.add_argument("--metadata", required=True, help="The SP's metadata XML file.")
        add.add_argument(
            "--attribute", action="append", default=[], choices=sorted(ATTRIBUTES), help="An attribute to release."
        )
        add.add_argument(
            "--nameid-format",
            default=NAMEID_PERSISTENT,
            help="email, persistent, transient or the full URN (default persistent).",
        )
        add.add_argument("--allow-idp-initiated", action="store_true", help="Allow sign-on started at Connect.")
        add.add_argument("--name", default="", help="A display name.")
        sub.add_parser("list", help="List the registered SPs as JSON.")
        remove = sub.add_parser("remove", help="Remove an SP.")
        remove.add_argument("entity_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _add(self, options: dict[str, Any]) -> None:
        path = Path(options["metadata"])
        try:
            xml = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        fmt = _FORMAT_ALIASES.get(options["nameid_format"], options["nameid_format"])
        sp = service_provider_add(
            metadata_xml=xml,
            attributes=options["attribute"],
            nameid_format=fmt,
            allow_idp_initiated=options["allow_idp_initiated"],
            name=options["name"],
        )
        self.stdout.write(json.dumps(_describe(sp)))

    def _list(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps([_describe(sp) for sp in ServiceProvider.objects.all()], indent=2))

    def _remove(self, options: dict[str, Any]) -> None:
        service_provider_remove(entity_id=options["entity_id"])
        self.stdout.write(json.dumps({"removed": options["entity_id"]}))


def _describe(sp: ServiceProvider) -> dict[str, Any]:
    return {
        "entity_id": sp.entity_id,
        "name": sp.name,
        "attributes": sp.attributes,
        "nameid_format": sp.nameid_format,
        "allow_idp_initiated": sp.allow_idp_initiated,
        "authn_requests_signed": sp.authn_requests_signed,
    }
