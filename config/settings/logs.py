"""Structured key=value log lines on stderr (see config/logs.py)."""

from __future__ import annotations

from config.env import env_str

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"()": "config.logs.KeyValueFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies, and so secrets, never reach logs through these.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "saml2": {"level": "WARNING"},
        "oauthlib": {"level": "WARNING"},
    },
}
