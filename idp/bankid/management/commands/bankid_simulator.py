"""Serve the BankID simulator over HTTPS with client certificates (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from idp.bankid.simulator.pki import generate_pki
from idp.bankid.simulator.server import SimulatorServer


class Command(BaseCommand):
    help = "Run the local BankID RP API v6.0 simulator with mutual TLS (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8443)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("the BankID simulator runs only with DEBUG on")
        pki = generate_pki(settings.VAR_DIR / "bankid-simulator")
        server = SimulatorServer(pki=pki, port=options["port"])
        self.stdout.write(
            "BankID simulator on "
            f"{server.base_url}. Start Connect with:\n"
            f"  BANKID_BASE_URL={server.base_url} BANKID_CA_FILE={pki.ca} "
            f"BANKID_CERT_FILE={pki.client_cert} BANKID_KEY_FILE={pki.client_key}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.server_close()
