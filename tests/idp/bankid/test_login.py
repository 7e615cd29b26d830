"""BankID login end to end over the live server, with the simulator behind it."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
import requests
from django.conf import settings

from hrm import services as hrm_services
from idp.audit.models import AuditEvent
from idp.models import User
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory

from .conftest import BankIdSim, csrf_from

pytestmark = pytest.mark.django_db(transaction=True)

PNR = "197505051230"


def linked_user(personal_number: str = PNR) -> User:
    user = UserFactory(email="anna@example.com")
    employee = EmployeeFactory(company=CompanyFactory())
    hrm_services.employee_set_personal_number(employee=employee, raw=personal_number)
    hrm_services.employee_set_connect_subject(employee=employee, subject=user.pk)
    return user


def start(site: str, *, next_url: str = "", language: str = "en") -> tuple[requests.Session, str]:
    browser = requests.Session()
    browser.headers["Accept-Language"] = language
    page = browser.get(f"{site}/login/bankid/", params={"next": next_url} if next_url else None)
    assert page.status_code == 200
    return browser, csrf_from(page.text)


def poll(
    site: str, browser: requests.Session, token: str, *, until: str = "done", limit: int = 10
) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        response = browser.post(
            f"{site}/login/bankid/status/", data={"autostart": "0"}, headers={"X-CSRFToken": token, "Referer": site}
        )
        assert response.status_code == 200
        seen.append(response.json())
        if seen[-1]["status"] != "pending":
            break
    return seen


def test_linked_employee_logs_in_and_lands_on_next(site: str, bankid: BankIdSim) -> None:
    user = linked_user()
    bankid.scenario(personal_number=PNR)
    browser, token = start(site, next_url="/account/")

    states = poll(site, browser, token)
    assert [s.get("hint_code") for s in states[:2]] == ["outstandingTransaction", "userSign"]
    assert states[0]["message"] == "Start your BankID app."
    assert states[1]["message"] == "Enter your security code in the BankID app and select Identify."
    assert states[-1] == {"status": "complete", "redirect": "/account/"}

    account = browser.get(f"{site}/account/")
    assert account.status_code == 200 and "anna@example.com" in account.text

    # allauth's record of how this session authenticated (for amr/acr).
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=browser.cookies["connect_session"])
    session = store.load()
    assert [m["method"] for m in session["account_authentication_methods"]] == ["bankid"]
    event = AuditEvent.objects.get(event="bankid.login.succeeded")
    assert event.user == user
    # Only a keyed hash of the personal number, never the number itself.
    assert PNR not in str(event.data) and len(event.data["pnr_digest"]) == 64
    assert not any(PNR in str(e.data) for e in AuditEvent.objects.all())


def test_without_javascript_the_update_button_completes_the_login(site: str, bankid: BankIdSim) -> None:
    linked_user()
    bankid.scenario(personal_number=PNR, pending_collects=1)
    browser, token = start(site, next_url="/account/")
    first = browser.post(f"{site}/login/bankid/", data={"csrfmiddlewaretoken": token}, headers={"Referer": site})
    assert "Start your BankID app." in first.text, first.text
    assert "bankid/qr.svg" in first.text
    second = browser.post(f"{site}/login/bankid/", data={"csrfmiddlewaretoken": token}, headers={"Referer": site})
    assert second.url == f"{site}/account/" and "anna@example.com" in second.text


def test_an_unlinked_personal_number_is_refused_clearly(site: str, bankid: BankIdSim) -> None:
    linked_user()
    bankid.scenario(personal_number="198503034566")
    browser, token = start(site, next_url="/account/")
    final = poll(site, browser, token)[-1]
    assert final["status"] == "failed"
    assert final["message"].startswith("No Connect account is linked to this BankID.")
    assert browser.get(f"{site}/account/", allow_redirects=False).status_code == 302  # not logged in
    event = AuditEvent.objects.get(event="bankid.login.failed")
    assert event.data["reason"] == "no_account" and "198503034566" not in str(event.data)


def test_two_accounts_for_one_personal_number_are_refused(site: str, bankid: BankIdSim) -> None:
    linked_user()
    other = UserFactory(email="other@example.com")
    employee = EmployeeFactory(company=CompanyFactory())
    hrm_services.employee_set_personal_number(employee=employee, raw=PNR)
    hrm_services.employee_set_connect_subject(employee=employee, subject=other.pk)
    bankid.scenario(personal_number=PNR)
    browser, token = start(site)
    final = poll(site, browser, token)[-1]
    assert final["status"] == "failed" and "more than one Connect account" in final["message"]


def test_a_left_employee_no_longer_logs_in(site: str, bankid: BankIdSim) -> None:
    linked_user()
    employee = EmployeeFactory._meta.model.objects.get()
    hrm_services.employee_deactivate(employee=employee)
    bankid.scenario(personal_number=PNR)
    browser, token = start(site)
    assert poll(site, browser, token)[-1]["message"].startswith("No Connect account is linked")


def test_cancel_stops_the_order_at_bankid(site: str, bankid: BankIdSim) -> None:
    linked_user()
    browser, token = start(site, next_url="/account/")
    assert poll(site, browser, token, limit=1)[0]["status"] == "pending"
    response = browser.post(
        f"{site}/login/bankid/cancel/", data={"csrfmiddlewaretoken": token}, headers={"Referer": site}
    )
    assert bankid.last_order().cancelled
    assert "/accounts/login/" in response.url and "next=%2Faccount%2F" in response.url
    assert poll(site, browser, token, limit=1)[0]["status"] == "failed"  # the order is gone
    assert AuditEvent.objects.get(event="bankid.login.failed").data["reason"] == "user_abort"


def test_an_order_nobody_picks_up_expires_and_is_cancelled(site: str, bankid: BankIdSim, settings: Any) -> None:
    settings.BANKID_IDLE_SECONDS = 0
    bankid.scenario(outcome="pending")
    browser, token = start(site)
    final = poll(site, browser, token)[-1]
    assert final["status"] == "failed" and final["hint_code"] == "startFailed"
    assert final["message"].startswith("Failed to scan the QR code.")
    assert bankid.last_order().cancelled


def test_next_to_another_site_is_ignored(site: str, bankid: BankIdSim) -> None:
    linked_user()
    bankid.scenario(personal_number=PNR)
    browser, token = start(site, next_url="https://evil.example/steal")
    assert poll(site, browser, token)[-1]["redirect"] == "/account/"
