"""Every user-facing text exists in Swedish and English.

The test extracts the messages afresh from a copy of the source (as `make
messages` would) and requires each to have a Swedish translation in
locale/sv, so a new English string without its Swedish twin fails here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ["config", "idp", "hrm", "provisioning", "templates", "manage.py"]


def test_every_message_has_a_swedish_translation(tmp_path: Path) -> None:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "locale"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "CONNECT_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)},
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/sv/LC_MESSAGES/django.po")) if e.msgid}
    swedish = polib.pofile(str(ROOT / "locale/sv/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in swedish if e.translated() and "fuzzy" not in e.flags}
    missing = sorted(extracted - translated)
    assert not missing, "run `make messages` and translate into Swedish: " + "; ".join(missing[:20])
