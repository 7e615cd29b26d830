"""Signed SAML SSO responses per second for a logged-in session, and the cost of one signature.

Run by hand (not a test):

    .venv/bin/python bench/bench_saml.py [--requests 40]

It uses its own throw-away SQLite database and the in-process cache, so it
touches nothing else. Each response goes through the whole view: request
parse, checks, pysaml2 verification of the SP's signed HTTP-Redirect request,
and two RSA-SHA256 signatures (Response and Assertion) by the configured backend
(pysaml2 → the xmlsec1 program). In the same run it times one signature with
xmlsec1 alone (the baseline) and with python-xmlsec in process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="bench-saml-")
os.environ.update(
    {
        "DATABASE_URL": f"sqlite:///{_tmp}/bench.sqlite3",
        "CONNECT_VAR_DIR": _tmp,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
)
for name in ("REDIS_URL", "CELERY_BROKER_URL"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def _one_signature_costs(rounds: int) -> tuple[float, float]:
    """Seconds for one enveloped RSA-SHA256 signature of the same template:
    pysaml2's xmlsec1 backend vs Connect's in-process python-xmlsec signer."""
    import shutil

    from saml2.sigver import CryptoBackendXmlSec1

    from idp.saml.keys import key_files, signing_key_current
    from idp.saml.signing import sign_statement_in_process

    key_path, _cert_path = key_files(signing_key_current())
    program_backend = CryptoBackendXmlSec1(shutil.which("xmlsec1") or "/usr/bin/xmlsec1")
    template = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_bench" Version="2.0" '
        'IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>bench</saml:Issuer>'
        '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        '<ds:Reference URI="#_bench"><ds:Transforms>'
        '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>'
        "</ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature></samlp:Response>"
    )
    node = "urn:oasis:names:tc:SAML:2.0:protocol:Response"
    timings: dict[str, list[float]] = {"program": [], "in_process": []}
    for _ in range(rounds):
        start = time.perf_counter()
        program_backend.sign_statement(template, node, key_path, "_bench")
        timings["program"].append(time.perf_counter() - start)
        start = time.perf_counter()
        sign_statement_in_process(template, node, key_path, "_bench")
        timings["in_process"].append(time.perf_counter() - start)
    return statistics.median(timings["program"]), statistics.median(timings["in_process"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)

    from allauth.account.models import EmailAddress
    from django.conf import settings

    from idp.models import User
    from tests.idp.saml.onelogin_sp import TestSP, posted_form  # python3-saml as the SP

    user = User.objects.create_user("bench@example.com", "bench password 1234")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    browser = Client(SERVER_NAME="localhost", SERVER_PORT="8000")
    browser.force_login(user)
    metadata = browser.get("/saml/metadata/").content.decode()

    class _Metadata:  # TestSP reads the IdP metadata over HTTP; hand it the page instead
        text = metadata

    import requests

    requests_get = requests.get
    requests.get = lambda *a, **k: _Metadata()  # type: ignore[assignment,misc]
    try:
        sp = TestSP(settings.SITE_URL)
    finally:
        requests.get = requests_get
    sp.register(Path(_tmp))

    from django.test.utils import override_settings

    results = {}
    for backend in ("xmlsec1", "python-xmlsec"):  # xmlsec1 (pysaml2's default) is the baseline
        with override_settings(CONNECT_SAML_SIGNING_BACKEND=backend):
            urls = [sp.login_redirect()[0] for _ in range(args.requests + 3)]
            for url in urls[:3]:  # warm-up: pysaml2 server build, metadata parse
                posted_form(_Response(browser.get(url)))
            start = time.perf_counter()
            for url in urls[3:]:
                action, _form = posted_form(_Response(browser.get(url)))
                assert action == sp.acs
            results[backend] = (time.perf_counter() - start) / args.requests
    program, in_process = _one_signature_costs(rounds=10)
    print(f"signed SSO responses for a logged-in session ({args.requests} each, 2 signatures per response):")
    for backend, per_response in results.items():
        print(f"  signing by {backend:14s} {1 / per_response:6.1f} responses/s  ({per_response * 1000:.1f} ms each)")
    print(f"one signature, xmlsec1 program (pysaml2 default): {program * 1000:.1f} ms")
    print(f"one signature, python-xmlsec in process:          {in_process * 1000:.2f} ms")
    base, fast = results["xmlsec1"], results["python-xmlsec"]
    print(f"ratio: python-xmlsec responses/s = {base / fast:.1f}x the xmlsec1 baseline")
    print(f"       the two xmlsec1 signatures are {2 * program / base:.0%} of a baseline response")


class _Response:
    """posted_form() reads .text/.status_code/.url like a requests.Response."""

    def __init__(self, response: object) -> None:
        self.text = response.content.decode()  # type: ignore[attr-defined]
        self.status_code = response.status_code  # type: ignore[attr-defined]
        self.url = ""


if __name__ == "__main__":
    main()
