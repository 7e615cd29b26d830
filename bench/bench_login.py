#!/usr/bin/env python
"""Password logins per second through Connect's real login views, against the
raw Argon2 verify rate measured in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/bench_login.py \
        [--seconds 60] [--rounds 20] [--workers 4]

How: Django's test Client in this process drives the real URL → middleware →
view → allauth → backend → database/cache path (sessions in PostgreSQL, rate
limit counters in Redis when configured) without an HTTP server, so the figure
is the login path's own cost, not runserver's. It creates a throw-away test
database (test_<name>), like the test suite. Short rounds of raw verifies and
of logins alternate, so a busy shared machine slows both alike; besides the
overall rates it prints the median of the rounds' own ratios (each round's
logins against the verifies just before them), which a burst of load on the
machine moves least.

It also prints the CPU time per run: the worker process's own and, with a
local PostgreSQL, its database backend's (read from /proc), so the cost
beyond the hash is visible, not only the rate.

Production settings: DEBUG off (no SQL recorded per query), a throw-away
SECRET_KEY and an https SITE_URL unless given, requests over "https"; the
form is posted url-encoded, as a browser posts it.

Two login figures: "password step" is the POST that checks the password (what a
returning browser with the address remembered does); "both steps" adds step 1
(the email POST). Each login is a fresh client (new session) from its own
client address, so the per-address rate limit of a real crowd applies.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
if os.environ["DEBUG"] in ("0", "false", "no", "off"):
    import secrets

    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("SITE_URL", "https://connect.bench.invalid")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

EMAIL = "bench@example.com"
PASSWORD = "a benchmark passphrase of some length"


CLIENT: list[Client] = []
FORM = "application/x-www-form-urlencoded"


def login(number: int, *, both_steps: bool) -> None:
    # One client per process, like one server process that loaded its middleware
    # once; a fresh cookie jar per login, so each is a new browser session.
    if not CLIENT:
        CLIENT.append(Client())
    client = CLIENT[0]
    client.cookies.clear()
    browser = {
        "REMOTE_ADDR": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
        "content_type": FORM,
        "secure": True,
    }
    if both_steps:
        client.post("/accounts/login/", urlencode({"login": EMAIL}), **browser)
    response = client.post("/accounts/login/password/", urlencode({"login": EMAIL, "password": PASSWORD}), **browser)
    if response.status_code != 302 or response["Location"] != "/account/":
        raise SystemExit(f"error: login {number} did not succeed ({response.status_code})")


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

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from idp.services import account_create

        account_create(email=EMAIL, password=PASSWORD, email_verified=True)
        hasher = get_hasher("default")
        ENCODED.append(hasher.encode(PASSWORD, hasher.salt()))
        login(0, both_steps=True)  # warm up: imports, templates, connections
        connection.close()  # each worker opens its own
        CLIENT.clear()
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
