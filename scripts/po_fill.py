#!/usr/bin/env python
"""Fill Swedish translations from a JSON file of {"English msgid": "svensk text"}.

    .venv/bin/python scripts/po_fill.py translations.json

Entries already translated keep their text unless the JSON names them; fuzzy
flags that makemessages guessed are dropped for the entries filled here.
Prints the msgids still untranslated, so nothing slips through.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def main() -> int:
    translations: dict[str, str | list[str]] = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = str(value)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
