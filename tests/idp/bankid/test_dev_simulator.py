"""The simulator inside the development server (``make run``), and its absence in production."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.core.cache import cache
from django.core.management import CommandError, call_command

from hrm import services as hrm_services
from tests.config.test_settings import manage
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory

from .conftest import csrf_from


@pytest.mark.django_db(transaction=True)
def test_make_run_logs_in_through_the_mounted_simulator(site: str, settings: Any) -> None:
    settings.BANKID_ENABLED = True
    settings.BANKID_ENVIRONMENT = "simulator"
    settings.BANKID_BASE_URL = f"{site}/dev/bankid-simulator"
    settings.BANKID_CERT_FILE = settings.BANKID_KEY_FILE = settings.BANKID_CA_FILE = ""
    cache.delete("bankid:starts:127.0.0.1")
    user = UserFactory(email="dev@example.com")
    employee = EmployeeFactory(company=CompanyFactory())
    hrm_services.employee_set_personal_number(employee=employee, raw="19850303-4566")
    hrm_services.employee_set_connect_subject(employee=employee, subject=user.pk)

    browser = requests.Session()
    control = browser.get(f"{site}/dev/bankid-simulator/")
    browser.post(
        control.url,
        data={"csrfmiddlewaretoken": csrf_from(control.text), "personal_number": "198503034566", "outcome": "complete"},
        headers={"Referer": control.url},
    )
    token = csrf_from(browser.get(f"{site}/login/bankid/?next=/account/").text)
    for _ in range(5):
        state = browser.post(f"{site}/login/bankid/status/", headers={"X-CSRFToken": token, "Referer": site}).json()
        if state["status"] != "pending":
            break
    assert state == {"status": "complete", "redirect": "/account/"}
    assert "dev@example.com" in browser.get(f"{site}/account/").text


PROBE = (
    "from django.urls import resolve, Resolver404\n"
    "try:\n    resolve('/dev/bankid-simulator/rp/v6.0/auth'); print('routed')\n"
    "except Resolver404:\n    print('not routed')\n"
)


def test_the_simulator_is_not_routed_in_production() -> None:
    prod = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "SITE_URL": "https://connect.example.com"}
    assert manage("shell", "-c", PROBE, **prod).stdout.strip().splitlines()[-1] == "not routed"
    assert manage("shell", "-c", PROBE).stdout.strip().splitlines()[-1] == "routed"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "error: BANKID_CERT_FILE is not set; it is required when BankID is enabled and DEBUG is off"),
        ({"BANKID_ENVIRONMENT": "simulator"}, "error: BANKID_ENVIRONMENT=simulator is for development only"),
        ({"BANKID_ENVIRONMENT": "staging"}, "error: BANKID_ENVIRONMENT must be simulator, test or production"),
    ],
)
def test_production_bankid_needs_its_certificate(extra: dict[str, str], message: str) -> None:
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "SITE_URL": "https://connect.example.com", "BANKID_ENABLED": "1"}
    result = manage("check", **env, **extra)
    assert result.returncode != 0 and result.stderr.strip().startswith(message), result.stderr


def test_the_standalone_simulator_refuses_to_run_without_debug(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("bankid_simulator")
