from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo companies and employees (idempotent). --employees N adds N generated employees."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=0, help="generated employees in the load company")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["employees"] < 0:
            self.stderr.write("error: --employees must be 0 or more")
            raise SystemExit(2)
        started = time.monotonic()
        created = load_demo(employees=options["employees"])
        created_seconds = round(time.monotonic() - started, 2)
        self.stdout.write(json.dumps({"created": created, "seconds": created_seconds}))
