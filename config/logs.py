"""One log line per event: ``ts=… level=… logger=… event=… key=value …``.

Call sites log a short event name and pass fields through ``extra={"kv": {...}}``:

    log.info("login.failed", extra={"kv": {"user": user.pk, "ip": ip}})

Secrets are never passed as fields; values are quoted when they hold spaces.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any


def _quote(value: Any) -> str:
    text = str(value)
    if text == "" or any(ch in text for ch in ' "=\n\t'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields.update(getattr(record, "kv", {}) or {})
        line = " ".join(f"{key}={_quote(value)}" for key, value in fields.items())
        if record.exc_info:
            line += " exc=" + _quote(self.formatException(record.exc_info))
        return line


def kv(**fields: Any) -> dict[str, dict[str, Any]]:
    """``log.info("event", extra=kv(a=1))`` reads better than the nested dict."""
    return {"kv": fields}
