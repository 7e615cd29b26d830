#!/usr/bin/env python
"""Password logins per second through Connect's real login views, against the
raw Argon2 verify rate measured in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/bench_login.py \
        [--seconds 60] [--rounds 20] [--workers 4]

How: the production WSGI application (config.wsgi.application, what gunicorn
serves) is called in this process with the request a browser behind the TLS
proxy sends: URL → every middleware (CSRF checked for real, unlike with
Django's test Client, and the database health check Django makes per request)
→ view → allauth → backend → PostgreSQL (sessions) and Redis (rate limits),
without an HTTP server, so the figure is the login path's own cost, not a
server's. It creates a throw-away test database (test_<name>), like the test
suite. Short rounds of raw verifies and of logins alternate, so a busy shared
machine slows both alike; besides the overall rates it prints the median of
the rounds' own ratios (each round's logins against the verifies just before
them), which a burst of load on the machine moves least.

It also prints the CPU time per run: the worker process's own and, with a
local PostgreSQL, its database backend's (read from /proc), so the cost
beyond the hash is visible, not only the rate.

Production settings: DEBUG off (no SQL recorded per query), a throw-away
SECRET_KEY and an https SITE_URL unless given; the form is posted
url-encoded with its CSRF token and the Origin header, as a browser posts it.

Two login figures: "password step" is the POST that checks the password and
signs in; "both steps" adds step 1 before it (the email POST). Each login is a
fresh browser session from its own client address, so the per-address rate
limit of a real crowd applies.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import statistics
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
# Production reopens a database connection after 60 s (DATABASE_CONN_MAX_AGE):
# one connect a minute is noise, but the new backend process would hide the old
# one's CPU time from the per-run figure below.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "3600")
if os.environ["DEBUG"] in ("0", "false", "no", "off"):
    import secrets

    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("SITE_URL", "https://connect.bench.invalid")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402

EMAIL = "bench@example.com"
PASSWORD = "a benchmark passphrase of some length"


class Browser:
    """A browser as the production WSGI application sees it (the object gunicorn
    serves, config.wsgi.application): behind the TLS proxy of docker-compose.yml,
    so the request says https through X-Forwarded-Proto; with the Origin header a
    browser sends on every POST; with its cookies, CSRF token included, checked
    for real (Django's test Client would skip that check)."""

    def __init__(self) -> None:
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.host = urlsplit(settings.SITE_URL).hostname or ""
        self.cookies: dict[str, str] = {}
        self.status = 0
        self.headers: dict[str, str] = {}
        # The CSRF cookie and form token a browser gets with the sign-in page
        # (made by the same function the page's {% csrf_token %} calls).
        page = HttpRequest()
        self.csrf_token = get_token(page)
        self.csrf_cookie = page.META["CSRF_COOKIE"]

    def fresh(self) -> None:
        """A new browser session that keeps only its CSRF cookie."""
        self.cookies = {"csrftoken": self.csrf_cookie}

    def post(self, path: str, address: str, form: dict[str, str]) -> bytes:
        """The form posted url-encoded, with the CSRF token, from ``address``."""
        body = urlencode({**form, "csrfmiddlewaretoken": self.csrf_token}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": self.host,
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": address,
            "HTTP_HOST": self.host,
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_USER_AGENT": "Mozilla/5.0 (bench_login)",
            "HTTP_ACCEPT": "text/html",
            "HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9,en;q=0.8",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_ORIGIN": settings.SITE_URL,
        }

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
            self.status = int(status.split()[0])
            self.headers = dict(headers)
            for name, value in headers:
                if name.lower() == "set-cookie":
                    cookie = SimpleCookie(value)
                    self.cookies.update({key: morsel.value for key, morsel in cookie.items()})

        response = self.app(environ, start_response)
        try:
            return b"".join(response)
        finally:
            getattr(response, "close", lambda: None)()


BROWSER: list[Browser] = []


def login(number: int, *, both_steps: bool) -> None:
    # One application per process, like one server process that loaded its
    # middleware once; a fresh cookie jar per login, so each is a new session.
    if not BROWSER:
        BROWSER.append(Browser())
    browser = BROWSER[0]
    browser.fresh()
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    if both_steps:
        browser.post("/accounts/login/", address, {"login": EMAIL})
        if browser.status != 302:
            raise SystemExit(f"error: step 1 of login {number} did not succeed ({browser.status})")
    browser.post("/accounts/login/password/", address, {"login": EMAIL, "password": PASSWORD})
    if browser.status != 302 or browser.headers.get("Location") != "/account/":
        raise SystemExit(f"error: login {number} did not succeed ({browser.status})")


def _backend_cpu() -> float:
    """CPU seconds of this worker's own PostgreSQL backend so far (0 when the
    server is not on this machine or not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(kind: str, seconds: float, first_number: int) -> tuple[int, float, float, float]:
    """Run one kind of work for ``seconds`` in this process:
    (count, elapsed, CPU seconds of this process, CPU seconds of its database backend)."""
    hasher = get_hasher("default")
    backend_before = _backend_cpu()
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        if kind == "hash":
            if not hasher.verify(PASSWORD, ENCODED[0]):
                raise SystemExit("error: the hash did not verify")
        else:
            login(first_number + count, both_steps=kind == "both")
        count += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return count, elapsed, cpu, _backend_cpu() - backend_before


ENCODED: list[str] = []
KINDS = ("hash", "step2", "both")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total measuring time (default 60)")
    parser.add_argument("--rounds", type=int, default=20, help="alternating rounds (default 20)")
    parser.add_argument(
        "--workers",
        type=int,
        # An app server runs more workers than cores (gunicorn's advice: 2 to 4 per
        # core; docker-compose.yml runs 3 x 4 threads on 2 cores), so that one waiting
        # for PostgreSQL or Redis leaves its core to another. With one per core those
        # waits leave the cores idle and the figure is the latency's, not the machine's.
        default=2 * (os.cpu_count() or 1),
        help="processes working at once, like an app server's workers (default: two per core)",
    )
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from idp.services import account_create

        account_create(email=EMAIL, password=PASSWORD, email_verified=True)
        hasher = get_hasher("default")
        ENCODED.append(hasher.encode(PASSWORD, hasher.salt()))
        login(0, both_steps=True)  # warm up: imports, templates, connections
        connection.close()  # each worker opens its own
        BROWSER.clear()
        totals = {kind: [0, 0.0, 0.0, 0.0] for kind in KINDS}
        round_ratios: dict[str, list[float]] = {"step2": [], "both": []}
        slice_seconds = args.seconds / args.rounds / len(KINDS)
        number = 1
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            for _ in range(args.rounds):
                round_rates = {}
                for kind in KINDS:
                    jobs = [(kind, slice_seconds, number + w * 1_000_000) for w in range(args.workers)]
                    round_rates[kind] = 0.0
                    for count, elapsed, cpu, backend_cpu in pool.starmap(measure, jobs):
                        totals[kind][0] += count
                        totals[kind][1] += elapsed / args.workers  # rate = sum of the workers' rates
                        totals[kind][2] += cpu
                        totals[kind][3] += backend_cpu
                        round_rates[kind] += count / elapsed
                    number += 10_000
                for kind in round_ratios:
                    round_ratios[kind].append(round_rates[kind] / round_rates["hash"])
        rates = {kind: count / elapsed for kind, (count, elapsed, _, _) in totals.items()}
        cpu_ms = {kind: (t[2] * 1000 / t[0], t[3] * 1000 / t[0]) for kind, t in totals.items()}
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"settings: DEBUG={settings.DEBUG}, database {connection.vendor}, cache {cache_backend}")
        print(f"hasher: {hasher.algorithm} m={hasher.memory_cost} KiB t={hasher.time_cost} p={hasher.parallelism}")
        print(f"workers: {args.workers}, {args.seconds:.0f} s measured in {args.rounds} alternating rounds")
        print(f"raw Argon2 verify:        {rates['hash']:7.1f} /s  ({totals['hash'][0]} runs)")
        print(f"logins, password step:    {rates['step2']:7.1f} /s  ({totals['step2'][0]} logins)")
        print(f"logins, both steps:       {rates['both']:7.1f} /s  ({totals['both'][0]} logins)")
        print(
            "CPU per run (this process + its database backend): "
            f"verify {cpu_ms['hash'][0]:.1f} ms, password step {cpu_ms['step2'][0]:.1f} + {cpu_ms['step2'][1]:.1f} ms, "
            f"both steps {cpu_ms['both'][0]:.1f} + {cpu_ms['both'][1]:.1f} ms"
        )
        for kind, label in (("step2", "password step"), ("both", "both steps")):
            ratios = round_ratios[kind]
            print(
                f"ratio {label + '/hash:':20} {rates[kind] / rates['hash']:.2f} overall, "
                f"{statistics.median(ratios):.2f} median of {len(ratios)} rounds "
                f"(range {min(ratios):.2f} to {max(ratios):.2f})"
            )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
