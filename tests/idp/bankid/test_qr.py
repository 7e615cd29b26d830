"""The animated QR code: computed on the server each second, verifiable with the secret."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from idp.bankid.orders import order_new
from idp.bankid.qr import autostart_url, qr_svg
from idp.bankid.services import bankid_qr_data

from .conftest import BankIdSim, csrf_from


def verify(data: str, *, token: str, secret: str) -> int:
    """Check a QR payload the way BankID's app does; return its second."""
    prefix, qr_token, seconds, code = data.split(".")
    assert (prefix, qr_token) == ("bankid", token)
    expected = hmac.new(secret.encode(), seconds.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(code, expected)
    return int(seconds)


def test_each_second_has_its_own_code() -> None:
    order = order_new(
        order_ref="o", auto_start_token="a", qr_start_token="67df3917-fa0d-44e5-b327-edcc928297f8",
        qr_start_secret="d28db9a7-4cde-429e-a983-359be676944c", started_at=1000.0, progress_at=1000.0,
    )  # fmt: skip
    codes = [bankid_qr_data(order=order, now=1000.0 + t) for t in (0, 0.9, 1.0, 2.5, 30)]
    assert [verify(c, token=order.qr_start_token, secret=order.qr_start_secret) for c in codes] == [0, 0, 1, 2, 30]
    assert len({codes[0], codes[2], codes[3], codes[4]}) == 4
    # BankID's published example: secret d28db9a7-…, time 0 → dc69358e….
    assert codes[0].endswith(".0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8")


def test_svg_encodes_the_payload() -> None:
    svg = qr_svg("bankid.token.3.abc")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    # A new second is a different picture (the payload is in the modules, not in a label).
    assert qr_svg("bankid.token.4.abd") != svg and "bankid.token" not in svg


def test_autostart_link() -> None:
    assert autostart_url("46f6aa68-f6f1-4e5a-8a4d-0e6a0e5d2b1a") == (
        "bankid:///?autostarttoken=46f6aa68-f6f1-4e5a-8a4d-0e6a0e5d2b1a&redirect=null"
    )


@pytest.mark.django_db(transaction=True)
def test_the_browser_gets_changing_codes_but_never_the_secret(site: str, bankid: BankIdSim) -> None:
    import requests

    bankid.scenario(outcome="pending")
    browser = requests.Session()
    page = browser.get(f"{site}/login/bankid/")
    token = csrf_from(page.text)
    order = bankid.last_order()
    assert order.auto_start_token in page.text  # the same-device link
    assert order.qr_start_secret not in page.text

    seconds: list[int] = []
    deadline = time.monotonic() + 10
    while len(set(seconds)) < 2 and time.monotonic() < deadline:
        status = browser.post(f"{site}/login/bankid/status/", headers={"X-CSRFToken": token, "Referer": site})
        body = status.json()
        assert order.qr_start_secret not in status.text
        seconds.append(verify(body["qr"], token=order.qr_start_token, secret=order.qr_start_secret))
        image = browser.get(f"{site}/login/bankid/qr.svg")
        assert image.headers["Content-Type"] == "image/svg+xml" and "no-cache" in image.headers["Cache-Control"]
        time.sleep(0.4)
    assert len(set(seconds)) >= 2, "the QR code never moved on to the next second"
