"""Reading settings from the environment, failing with one clear line.

Every setting comes from an environment variable with a safe development
default. In production (``DEBUG`` off) the variables that have no safe default
must be set; a missing one raises :class:`ConfigError`, which ``manage.py``,
WSGI and Celery turn into a single ``error: ...`` line instead of a traceback.
"""

from __future__ import annotations

import os


class ConfigError(Exception):
    """A setting is missing or malformed. The message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, *, debug: bool, dev_default: str) -> str:
    """A value that production must set explicitly; development gets ``dev_default``."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if debug:
        return dev_default
    raise ConfigError(f"{name} is not set; it is required when DEBUG is off")
