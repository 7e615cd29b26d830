"""Shared fixtures: real SMTP sink, real Celery worker (when a broker is
configured), headless Chromium, and a live server whose URL is the site URL.

Nothing of our own system is mocked. With the embedded default (no broker)
tasks run eagerly; with CELERY_BROKER_URL set (CI) a real worker process
consumes them from Redis against the test database.
"""

from __future__ import annotations

from tests.support.fixtures import *  # noqa: F403
