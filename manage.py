#!/usr/bin/env python
"""Django's command-line utility, with one-line errors for a broken setup."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        sys.exit(f"error: {exc}")
    except Exception as exc:
        # A database or broker that cannot be reached is an operator's problem
        # to fix, not a traceback to read.
        from django.db.utils import OperationalError as DatabaseError
        from kombu.exceptions import OperationalError as BrokerError

        if isinstance(exc, DatabaseError):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            sys.exit(f"error: cannot use the database (check DATABASE_URL): {first}")
        if isinstance(exc, BrokerError):
            sys.exit(f"error: cannot reach the Celery broker (check CELERY_BROKER_URL): {exc}")
        raise


if __name__ == "__main__":
    main()
