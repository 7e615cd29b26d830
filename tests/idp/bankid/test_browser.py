"""BankID in a real browser: the QR code animates, the simulator completes, the person is in."""

from __future__ import annotations

import os
from typing import Any

import pytest

from hrm import services as hrm_services
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory
from tests.support.fixtures import screenshot

from .conftest import BankIdSim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

PNR = "197505051230"


def test_qr_code_then_login(page: Any, site: str, bankid: BankIdSim) -> None:
    user = UserFactory(email="berit@example.com")
    employee = EmployeeFactory(company=CompanyFactory())
    hrm_services.employee_set_personal_number(employee=employee, raw=PNR)
    hrm_services.employee_set_connect_subject(employee=employee, subject=user.pk)
    bankid.scenario(personal_number=PNR, pending_collects=4)

    page.goto(f"{site}/login/bankid/?next=/account/")
    qr = page.locator("#bankid-qr")
    qr.wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('bankid-qr').complete")
    assert page.locator("#bankid-qr").evaluate("img => img.naturalWidth > 0")  # a real, decodable image
    assert (
        page.get_by_role("link", name="Open BankID on this device")
        .get_attribute("href", timeout=1000)
        .startswith("bankid:///?autostarttoken=")
    )
    # The no-JS "Update" form is hidden once the script runs.
    page.locator("#bankid-refresh").wait_for(state="hidden")
    # The script swaps in a fresh code from the server each second.
    page.wait_for_function("() => document.getElementById('bankid-qr').dataset.qr !== undefined")
    screenshot(page, "bankid-qr")
    page.get_by_text("Enter your security code in the BankID app and select Identify.").wait_for()
    screenshot(page, "bankid-user-sign")

    page.wait_for_url(f"{site}/account/")
    assert page.get_by_text("berit@example.com").is_visible()
    screenshot(page, "bankid-logged-in")


def test_cancel_in_the_app_shows_the_message(page: Any, site: str, bankid: BankIdSim) -> None:
    bankid.scenario(outcome="userCancel", pending_collects=1)
    page.goto(f"{site}/login/bankid/")
    alert = page.get_by_role("alert")
    alert.get_by_text("Action cancelled.").wait_for()
    assert not page.locator("#bankid-qr").is_visible()
    assert not page.get_by_text("Point the camera at the QR code").is_visible()
    assert page.get_by_role("link", name="Try again").is_visible()
    screenshot(page, "bankid-cancelled")


def test_unlinked_bankid_is_told_to_ask_the_administrator(page: Any, site: str, bankid: BankIdSim) -> None:
    bankid.scenario(personal_number="198503034566", pending_collects=1)
    page.goto(f"{site}/login/bankid/")
    page.get_by_role("alert").get_by_text("No Connect account is linked to this BankID.").wait_for()
    screenshot(page, "bankid-no-account")
