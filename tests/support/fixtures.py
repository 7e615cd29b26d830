from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.support.smtp import SmtpSink

# Playwright's sync API runs an event loop in this thread; the Django ORM next
# to it would otherwise refuse to run (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "var" / "test-artifacts"


# --- Isolation ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Rate-limit counters, replay caches and throttles live in the cache (Redis in
    CI): each test starts with none, as a fresh installation would. The federated
    domain map kept in this process is dropped too: a test's rows vanish with its
    transaction, without the signals that would tell the map."""
    from django.core.cache import cache

    from idp.federation.domains import domains_changed

    cache.clear()
    domains_changed()
    yield


@pytest.fixture(scope="session", autouse=True)
def no_connection_outlives_the_session(
    django_db_setup: Any, django_db_blocker: Any, pytestconfig: pytest.Config
) -> Iterator[None]:
    """Before the test database is dropped, no other connection may hold it, or
    the drop fails ("being accessed by other users") and the database stays
    behind. Connections still open then (a live-server thread serving a browser's
    last keep-alive request, say) are named in the test report, then ended."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 80) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        plugins = pytestconfig.pluginmanager
        reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
        for pid, application, state, query in cursor.fetchall():
            if reporter is not None and capture is not None:
                with capture.global_and_fixture_disabled():
                    reporter.write_line(
                        f"note: ending a database connection left open at the end of the tests: pid={pid} "
                        f"application={application!r} state={state} last query={query!r}"
                    )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


# --- Mail --------------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def mailbox(smtp_sink: SmtpSink, settings: Any) -> Iterator[SmtpSink]:
    """Send this test's mail over SMTP to the real sink, and hand the sink over, empty."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    smtp_sink.start()
    smtp_sink.clear()
    yield smtp_sink
    smtp_sink.start()  # a fault test may have taken it down


# --- Site URL and live server --------------------------------------------------


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's URL, made the configured site URL (issuer, SAML entity, mail links)."""
    url = str(live_server.url).rstrip("/")
    settings.SITE_URL = url
    settings.CSRF_TRUSTED_ORIGINS = [url]
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": url}
    settings.CONNECT_SAML_ENTITY_ID = f"{url}/saml/metadata/"
    return url


# --- Celery worker ---------------------------------------------------------------


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def _test_database_url() -> str:
    """DATABASE_URL pointing at the test database pytest-django created."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


class WorkerProcess:
    def __init__(self, process: subprocess.Popen[bytes], pidfile: Path, log: Path) -> None:
        self.process = process
        self.pidfile = pidfile
        self.log = log

    def stop(self) -> None:
        pid = int(self.pidfile.read_text().strip()) if self.pidfile.exists() else self.process.pid
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: Any, django_db_blocker: Any, live_server: Any, smtp_sink: SmtpSink
) -> Iterator[WorkerProcess | None]:
    """A real Celery worker on the configured broker, using the test database,
    sending mail to the SMTP sink and building links from the live server URL.
    None when no broker is configured: tasks then run eagerly in the test."""
    if not broker_configured():
        yield None
        return
    if connection.vendor != "postgresql":
        pytest.fail("a real Celery worker needs DATABASE_URL to point at PostgreSQL")
    from config.celery import app

    app.control.purge()  # leftovers of an earlier, interrupted run
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pidfile = ARTIFACTS / "celery-worker.pid"
    log = ARTIFACTS / "celery-worker.log"
    pidfile.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "5",
        "SITE_URL": str(live_server.url).rstrip("/"),
        "DEBUG": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
        "--without-gossip", "--without-mingle", "-l", "info",
        f"--pidfile={pidfile}", "-n", f"test-{os.getpid()}@%h",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = WorkerProcess(process, pidfile, log)
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            pytest.fail(f"the Celery worker did not start; see {log}:\n{log.read_text()[-3000:]}")
    try:
        yield worker
    finally:
        worker.stop()


# --- Browser ----------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 800})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot: into docs/screenshots/ with SCREENSHOTS=1 (to refresh the
    README's walkthrough), else among the test artifacts."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("SCREENSHOTS") == "1" else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
