"""OAuth/OIDC throughput through the real endpoints on PostgreSQL. Run by hand, not a test:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/connect_x .venv/bin/python bench/bench_oidc.py [--seconds 8]

It creates a throw-away database ``<name>_bench`` next to the one in
DATABASE_URL, starts gunicorn (2 workers x 4 threads, as on this 2-core
machine) and drives it over HTTP with ``requests`` from 4 client threads:

1. client-credentials tokens per second (POST /o/token/, HTTP Basic client auth);
2. authorization-code exchanges per second (codes issued beforehand through
   /o/authorize/ for a logged-in session, then redeemed with PKCE: each
   exchange creates an access token, a refresh token and a signed ID token);
3. in the same run, in process: the raw RS256 ID-token signing rate, and the
   baseline of one client-secret check with django-oauth-toolkit's default
   (the Argon2 password hasher) against ours (keyed HMAC-SHA256).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_base_url = os.environ.get("DATABASE_URL", "")
if not _base_url.startswith("postgres"):
    sys.exit("set DATABASE_URL to a PostgreSQL database (the bench database is created next to it)")
_parts = urlsplit(_base_url)
BENCH_DB = _parts.path.lstrip("/") + "_bench"
BENCH_URL = urlunsplit(_parts._replace(path="/" + BENCH_DB))
with socket.socket() as _sock:
    _sock.bind(("127.0.0.1", 0))
    PORT = _sock.getsockname()[1]
SITE = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "DATABASE_URL": BENCH_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SITE_URL": SITE,
    "DEBUG": "1",
    "LOG_LEVEL": "WARNING",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}
for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
    ENV.pop(_name, None)
os.environ.update(
    {
        k: v
        for k, v in ENV.items()
        if k not in os.environ or k in ("DATABASE_URL", "SITE_URL", "DEBUG", "LOG_LEVEL", "ALLOWED_HOSTS")
    }
)
for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
    os.environ.pop(_name, None)


def _create_database() -> None:
    import psycopg

    admin = urlunsplit(_parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')  # a name we built, not input
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


_create_database()

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tests.e2e.oidc_client import Client, pkce_pair, redirect_params  # noqa: E402


def _rate(label: str, count: int, seconds: float) -> float:
    rate = count / seconds
    print(f"{label:<52} {rate:9.1f}/s  ({count} in {seconds:.1f} s)")
    return rate


def _hammer(seconds: float, threads: int, work: object) -> tuple[int, float]:
    stop = time.monotonic() + seconds
    counts = [0] * threads
    errors: list[str] = []

    def loop(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            status = work(session)  # type: ignore[operator]
            if status != 200:
                errors.append(str(status))
                return
            counts[index] += 1

    start = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(loop, range(threads)))
    if errors:
        sys.exit(f"requests failed: {errors[:3]}")
    return sum(counts), time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--codes", type=int, default=300)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from idp.oidc.clients import client_create
    from idp.oidc.keys import signing_key_active
    from idp.services import account_verify_email
    from tests.factories import PASSWORD, UserFactory
    from tests.support.login import http_login

    signing_key_active()
    service = client_create(
        name="bench-service",
        client_type="confidential",
        redirect_uris=[],
        grants=["client_credentials"],
        scopes=["profile"],
    )
    web = client_create(
        name="bench-web", client_type="confidential", redirect_uris=["https://rp.example.com/cb"], trusted=True
    )
    user = UserFactory(email="bench@example.com")
    account_verify_email(user=user, email=user.email)

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{SITE}/.well-known/openid-configuration", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        metadata = requests.get(f"{SITE}/.well-known/openid-configuration", timeout=5).json()
        token_url = metadata["token_endpoint"]
        print(f"gunicorn 2x4 on {SITE}, PostgreSQL database {BENCH_DB}, {args.threads} client threads\n")

        cc_auth = (service.application.client_id, service.client_secret)

        def client_credentials(session: requests.Session) -> int:
            data = {"grant_type": "client_credentials", "scope": "profile"}
            return session.post(token_url, data=data, auth=cc_auth, timeout=10).status_code

        _hammer(1.0, args.threads, client_credentials)  # warm-up
        cc = _rate("client-credentials tokens", *_hammer(args.seconds, args.threads, client_credentials))

        browser = requests.Session()
        http_login(browser, SITE, user.email, PASSWORD)
        client = Client(web.application.client_id, web.client_secret, "https://rp.example.com/cb", metadata)
        codes: list[tuple[str, str]] = []
        lock = threading.Lock()
        started = time.monotonic()
        for _ in range(args.codes):
            verifier, challenge = pkce_pair()
            response = browser.get(
                metadata["authorization_endpoint"],
                params={
                    "response_type": "code",
                    "client_id": client.client_id,
                    "redirect_uri": client.redirect_uri,
                    "scope": "openid profile email",
                    "state": "s",
                    "nonce": "n",
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
                allow_redirects=False,
                timeout=10,
            )
            codes.append((redirect_params(response)["code"], verifier))
        _rate("authorization requests (code issued, for reference)", len(codes), time.monotonic() - started)

        def exchange(session: requests.Session) -> int:
            with lock:
                if not codes:
                    return 200
                code, verifier = codes.pop()
            data = {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": client.redirect_uri,
                "code_verifier": verifier,
            }
            return session.post(
                token_url, data=data, auth=(client.client_id, client.client_secret), timeout=10
            ).status_code

        total = len(codes)
        start = time.monotonic()
        with ThreadPoolExecutor(args.threads) as pool:
            statuses = list(pool.map(lambda _i: exchange(requests.Session()), range(total)))
        elapsed = time.monotonic() - start
        if any(status != 200 for status in statuses):
            sys.exit(f"exchanges failed: {[s for s in statuses if s != 200][:3]}")
        _rate("authorization-code exchanges (with ID token)", total, elapsed)
    finally:
        server.terminate()
        server.wait(timeout=20)

    # In process, same run: raw signing and the client-secret check baseline.
    import json

    from django.contrib.auth.hashers import check_password, make_password
    from jwcrypto import jwt

    key = signing_key_active()
    claims = json.dumps({"iss": SITE, "sub": str(user.pk), "aud": "x", "exp": 2_000_000_000, "iat": 1_700_000_000})
    count, start = 0, time.monotonic()
    while time.monotonic() - start < 2.0:
        token = jwt.JWT(header={"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims=claims)
        token.make_signed_token(key.jwk)
        token.serialize()
        count += 1
    _rate("raw RS256 ID-token signing (1 core, in process)", count, time.monotonic() - start)

    secret = "s" * 43
    slow, fast = make_password(secret), make_password(secret, hasher="connect_hmac_sha256")
    start = time.monotonic()
    for _ in range(5):
        check_password(secret, slow)
    slow_each = (time.monotonic() - start) / 5
    start = time.monotonic()
    for _ in range(2000):
        check_password(secret, fast)
    fast_each = (time.monotonic() - start) / 2000
    print(f"\nclient-secret check: password hasher {slow_each * 1000:.1f} ms, keyed HMAC {fast_each * 1e6:.1f} µs")
    print(f"baseline (toolkit default: 1 password-hash check per request, 2 cores): ≤ {2 / slow_each:.1f} tokens/s")
    print(f"ratio client-credentials measured / baseline ceiling: {cc / (2 / slow_each):.1f}x")


if __name__ == "__main__":
    main()
