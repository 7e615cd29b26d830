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

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from hrm.models import Company, Employee, LoginMethod
from hrm.selectors import company_login_method
from idp.services import account_create
from provisioning import services as provisioning
from provisioning.readiness import company_readiness
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
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()


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


def test_the_whole_migration(
    page: Any, browser: Any, site: str, company: Company, mailbox: SmtpSink, celery_worker: Any
) -> None:
    contexts: list[Any] = []

    def fresh_page() -> Any:
        """Another person, on another device: a browser context of their own."""
        context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

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

    # --- Activation: the operator checks readiness and flips the switch. -----------
    # (HRM is registered at Connect as an OIDC client, as `make run` does it.)
    call_command("connect_setup", stdout=io.StringIO())
    report = company_readiness(company=company)
    assert report.linked == 2
    call_command("provisioning", "activate", "--company", company.slug, "--yes", "--actor", operator.email)
    assert company_login_method(company) == LoginMethod.CONNECT

    # Bertil signs in to HRM through Connect with his verified email and password.
    bertil_page = fresh_page()
    bertil_page.goto(f"{site}/hrm/{company.slug}/login/")
    bertil_page.get_by_label("Email address").fill("bertil@acme.example")
    screenshot(bertil_page, "06-connect-login-email-first")
    bertil_page.get_by_role("button", name="Next").click()
    bertil_page.get_by_label("Password").fill(NEW_PASSWORD)
    screenshot(bertil_page, "07-connect-login-password")
    bertil_page.get_by_role("button", name="Log in", exact=True).click()
    bertil_page.wait_for_load_state()
    bertil_page.get_by_role("heading", name="Welcome, Bertil Berg").wait_for()
    assert "Connect" in bertil_page.locator(".hrm-facts").inner_text()
    screenshot(bertil_page, "08-hrm-through-connect")

    # Cecilia never set a password: "Forgot your password?" brings her into HRM.
    cecilia_page = fresh_page()
    cecilia_page.goto(f"{site}/hrm/{company.slug}/login/")
    cecilia_page.get_by_label("Email address").fill("cecilia@acme.example")
    cecilia_page.get_by_role("button", name="Next").click()
    cecilia_page.get_by_role("link", name="Forgot your password?").click()
    screenshot(cecilia_page, "09-forgot-password")
    cecilia_page.get_by_label(re.compile("^e-?mail", re.I)).fill("cecilia@acme.example")
    cecilia_page.get_by_role("button", name=re.compile("reset|send", re.I)).click()
    cecilia_page.wait_for_load_state()
    cecilia_page.goto(link_in(mailbox, "cecilia@acme.example", "/password/reset/key/"))
    cecilia_page.get_by_label(re.compile(r"^new password:?$", re.I)).fill(NEW_PASSWORD)
    cecilia_page.get_by_label(re.compile(r"^new password \(?again", re.I)).fill(NEW_PASSWORD)
    screenshot(cecilia_page, "10-choose-new-password")
    cecilia_page.get_by_role("button", name=re.compile("change password|set password", re.I)).click()
    cecilia_page.get_by_role("heading", name="Welcome, Cecilia Ek").wait_for()
    screenshot(cecilia_page, "11-hrm-after-forgot-password")

    # David never provisioned: he cannot sign in, and is told whom to ask.
    david_page = fresh_page()
    david_page.goto(f"{site}/hrm/{company.slug}/login/")
    david_page.get_by_label("Email address").fill("david@acme.example")
    david_page.get_by_role("button", name="Next").click()
    david_page.get_by_label("Password").fill("whatever-he-tries-1")
    david_page.get_by_role("button", name="Log in", exact=True).click()
    david_page.get_by_role("alert").wait_for()
    assert "administrator" in david_page.get_by_role("alert").inner_text()
    screenshot(david_page, "12-unprovisioned-employee")

    # The operator provisions David from the admin; he chooses a password from the mail.
    admin_page = fresh_page()
    admin_page.goto(f"{site}/admin/login/?next=/admin/provisioning/connectemployee/")
    admin_page.get_by_label("Email address").fill(operator.email)
    admin_page.get_by_label("Password").fill(NEW_PASSWORD)
    admin_page.get_by_role("button", name="Log in", exact=True).click()
    admin_page.wait_for_load_state()
    row = admin_page.locator("tr", has_text="david@acme.example")
    row.wait_for()
    row.locator("input[type=checkbox]").check()
    admin_page.locator("select[name=action]").select_option("provision_selected")
    screenshot(admin_page, "13-admin-provision-selected")
    admin_page.get_by_role("button", name="Go").click()
    screenshot(admin_page, "14-admin-provision-confirm")
    admin_page.get_by_role("button", name=re.compile("yes|confirm|provision", re.I)).click()
    admin_page.wait_for_load_state()

    david_page.goto(link_in(mailbox, "david@acme.example", "/provisioning/setup/"))
    david_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    david_page.get_by_label("New password again").fill(NEW_PASSWORD)
    screenshot(david_page, "15-absentee-chooses-password")
    david_page.get_by_role("button", name="Set password").click()
    david_page.get_by_role("link", name="Log in to Flex HRM").click()
    if david_page.get_by_label("Email address").count():
        david_page.get_by_label("Email address").fill("david@acme.example")
        david_page.get_by_role("button", name="Next").click()
    if david_page.get_by_label("Password").count():
        david_page.get_by_label("Password").fill(NEW_PASSWORD)
        david_page.get_by_role("button", name="Log in", exact=True).click()
    david_page.get_by_role("heading", name="Welcome, David Lind").wait_for()
    screenshot(david_page, "16-absentee-in-hrm")

    for context in contexts:
        context.close()
