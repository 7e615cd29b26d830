"""Swedish personal identity numbers (personnummer), kept unreadable.

HRM stores only a keyed hash (for matching a BankID identity later) and a
masked form for people who need to recognise the row. The plain number never
lands in the database, a list or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_FORMAT = re.compile(r"^(\d{8})-?(\d{4})$")


class InvalidPersonalNumber(ValueError):
    pass


def normalize(raw: str) -> str:
    """``YYYYMMDD-NNNN`` or ``YYYYMMDDNNNN`` → ``YYYYMMDDNNNN``, checked with Luhn."""
    match = _FORMAT.match((raw or "").strip())
    if not match:
        raise InvalidPersonalNumber("expected YYYYMMDD-NNNN")
    digits = match.group(1) + match.group(2)
    if not _luhn_ok(digits[2:]):
        raise InvalidPersonalNumber("the check digit does not match")
    return digits


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for index, char in enumerate(ten_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def keyed_hash(normalized: str) -> str:
    key = getattr(settings, "CONNECT_PII_KEY", "") or settings.SECRET_KEY
    return hmac.new(f"personnummer:{key}".encode(), normalized.encode(), hashlib.sha256).hexdigest()


def masked(normalized: str) -> str:
    return f"{normalized[:8]}-****"


def with_check_digit(first_eleven: str) -> str:
    """Complete ``YYYYMMDDNNN`` with its Luhn digit (demo data and tests)."""
    for digit in "0123456789":
        if _luhn_ok(first_eleven[2:] + digit):
            return first_eleven + digit
    raise AssertionError("unreachable: one digit always satisfies Luhn")
