from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.health import CHECKS


class Command(BaseCommand):
    help = "Check the database, cache and broker; exit non-zero with one line per service that is down."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=int, default=0, help="seconds to keep trying before giving up")

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["wait"]
        while True:
            failures = {}
            for name, check in CHECKS.items():
                try:
                    check()
                except Exception as exc:
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    failures[name] = first
            if not failures or time.monotonic() >= deadline:
                break
            time.sleep(1)
        for name, reason in failures.items():
            variable = {"database": "DATABASE_URL", "cache": "REDIS_URL", "broker": "CELERY_BROKER_URL"}[name]
            self.stderr.write(f"error: {name} unreachable (check {variable}): {reason}")
        if failures:
            raise SystemExit(1)
        self.stdout.write("ok: " + ", ".join(CHECKS))
