from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _worker_idle_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the worker finish (retries scheduled with back-off included) before the
    test database is flushed, so no task of one test runs into the next."""
    yield
    if "celery_worker" not in request.fixturenames or request.getfixturevalue("celery_worker") is None:
        return
    from config.celery import app

    # Only our worker (named in tests/support/fixtures.py): another on the broker is not ours to wait for.
    name = f"test-{os.getpid()}@{socket.gethostname()}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        inspect = app.control.inspect(timeout=0.5, destination=[name])
        busy = [inspect.active(), inspect.scheduled(), inspect.reserved()]
        if all(reply is not None and not any(reply.values()) for reply in busy):
            return
        time.sleep(0.2)
