"""One normal form for email addresses, used everywhere an address is stored or compared."""

from __future__ import annotations

import unicodedata


def normalize_email(raw: str) -> str:
    """NFKC, trimmed, lower-cased.

    NFKC folds look-alike compatibility characters (full-width letters, ligatures)
    so that two spellings of one address are one key for uniqueness and for
    login throttling. Lower-casing the local part is a deliberate choice: no
    mail provider our customers use treats it case-sensitively, and two
    accounts differing only by case would be an account-takeover trap.
    """
    return unicodedata.normalize("NFKC", raw or "").strip().lower()
