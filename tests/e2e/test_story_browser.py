"""The whole migration as people live it, in a real browser (headless Chromium).

One company, four employees, one operator:
- Bertil verifies his address from the mail, sets a Connect password, and after
  activation signs in to HRM through Connect with it.
- Cecilia verifies but skips the password; after activation she uses "Forgot
  your password?" and lands in HRM in the same flow.
- David never reacts to the mail: after activation he cannot sign in and is told
  to contact his administrator, who then provisions him from the admin; he sets
  a password from that mail and signs in.
- Anna is the company's HRM administrator.

Every step saves a screenshot (into docs/screenshots/ with SCREENSHOTS=1: the
README's walkthrough shows them).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from hrm.models import Company, Employee
from idp.services import account_create
from provisioning import services as provisioning
from tests.factories import PASSWORD, EmployeeFactory
from tests.support.fixtures import screenshot
from tests.support.smtp import SmtpSink, body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Sommar-i-Stockholm-2026"
_LINK = re.compile(r"https?://\S+")


def link_in(mailbox: SmtpSink, address: str, path_part: str) -> str:
    messages = mailbox.wait_for(lambda msgs: any(address in str(m["To"]) for m in msgs), timeout=30)
    for message in reversed([m for m in messages if address in str(m["To"])]):
        for url in _LINK.findall(body_text(message)):
            if path_part in url:
                return url.rstrip(".,)>")
    raise AssertionError(f"no {path_part} link in the mail to {address}")


def legacy_login(page: Any, site: str, company: Company, username: str) -> None:
    page.goto(f"{site}/hrm/{company.slug}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()


@pytest.fixture
def company(db: Any) -> Company:
    company = Company.objects.create(slug="acme", name="Acme AB")
    EmployeeFactory(company=company, first_name="Anna", last_name="Andersson", email="anna@acme.example",
                    legacy_username="anna", is_hrm_admin=True)  # fmt: skip
    EmployeeFactory(company=company, first_name="Bertil", last_name="Berg", email="bertil@acme.example",
                    legacy_username="bertil")  # fmt: skip
    EmployeeFactory(company=company, first_name="Cecilia", last_name="Ek", email="cecilia@acme.example",
                    legacy_username="cecilia")  # fmt: skip
    EmployeeFactory(company=company, first_name="David", last_name="Lind", email="david@acme.example",
                    legacy_username="david")  # fmt: skip
    return company


def test_the_preparation_phase(page: Any, site: str, company: Company, mailbox: SmtpSink, celery_worker: Any) -> None:
    operator = account_create(email="operator@connect.example", password=NEW_PASSWORD, email_verified=True)
    operator.is_staff = operator.is_superuser = True
    operator.save()

    # Before: the legacy login works.
    legacy_login(page, site, company, "bertil")
    page.get_by_role("heading", name="Welcome, Bertil Berg").wait_for()
    screenshot(page, "01-legacy-login-before")

    # The operator starts the preparation; every employee gets a mail.
    provisioning.company_start_preparation(company=company, actor=operator)
    verify_url = link_in(mailbox, "bertil@acme.example", "/provisioning/verify/")

    # The legacy login keeps working, and HRM asks Bertil to verify his address.
    page.reload()
    banner = page.locator(".hrm-banner")
    banner.wait_for()
    assert "bertil@acme.example" in banner.inner_text()
    screenshot(page, "02-hrm-banner-during-preparation")

    # Opening the link changes nothing; confirming does.
    page.goto(verify_url)
    page.get_by_role("heading", name="Verify your email address").wait_for()
    assert Employee.objects.get(legacy_username="bertil").connect_subject is None
    screenshot(page, "03-verify-email")
    page.get_by_role("button", name="Yes, this is my email address").click()
    page.get_by_role("heading", name="Your email address is verified").wait_for()
    screenshot(page, "04-set-connect-password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state()
    screenshot(page, "05-ready-for-connect")
    bertil = Employee.objects.get(legacy_username="bertil")
    assert bertil.connect_subject is not None

    # Cecilia verifies but skips the password step.
    page.goto(link_in(mailbox, "cecilia@acme.example", "/provisioning/verify/"))
    page.get_by_role("button", name="Yes, this is my email address").click()
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_load_state()
    assert Employee.objects.get(legacy_username="cecilia").connect_subject is not None

    # Back in HRM (still signed in the legacy way), Bertil's banner says he is ready.
    page.goto(f"{site}/hrm/{company.slug}/")
    page.get_by_role("heading", name="Welcome, Bertil Berg").wait_for()
    assert "ready" in page.locator("main").inner_text().lower()
