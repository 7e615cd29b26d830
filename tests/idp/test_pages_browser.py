"""The sign-in and account pages in a real browser, on a phone and on a desktop."""

from __future__ import annotations

import re
from typing import Any

import pytest

from idp.services import account_create
from tests.factories import PASSWORD
from tests.support.fixtures import screenshot
from tests.support.login import browser_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("locale", "width"), [("sv-SE", 375), ("en-GB", 1100)])
def test_errors_are_announced_and_tied_to_their_fields(browser: Any, site: str, locale: str, width: int) -> None:
    account_create(email="maja@example.com", password=PASSWORD, display_name="Maja", email_verified=True)
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    email = page.get_by_label(re.compile("e-?post|e-?mail", re.I))
    assert email.evaluate("el => el === document.activeElement")  # focus starts at the only field
    email.fill("maja@example.com")
    screenshot(page, f"login-step1-{locale}-{width}")
    page.get_by_role("button", name=re.compile("^(next|nästa)$", re.I)).click()
    password = page.get_by_label(re.compile("password|lösenord", re.I))
    password.fill("not the password")
    page.get_by_role("button", name=re.compile("^(log in|logga in)$", re.I)).click()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    password = page.get_by_label(re.compile("password|lösenord", re.I))
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("aria-describedby") == alert.get_attribute("id")
    screenshot(page, f"login-step2-error-{locale}-{width}")
    password.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(log in|logga in)$", re.I)).click()
    page.wait_for_url(f"{site}/account/")
    assert page.get_by_role("button", name=re.compile("log out everywhere|logga ut överallt", re.I)).is_visible()
    screenshot(page, f"account-{locale}-{width}")
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_browser_login_helper_honours_next(page: Any, site: str) -> None:
    account_create(email="nils@example.com", password=PASSWORD, email_verified=True)
    page.goto(f"{site}/account/")
    assert "/accounts/login/" in page.url
    browser_login(page, "nils@example.com", PASSWORD)
    page.wait_for_url(f"{site}/account/")


def test_allauth_pages_in_connects_look(page: Any, site: str) -> None:
    account_create(email="olle@example.com", password=PASSWORD, email_verified=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{site}/accounts/signup/")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    assert page.locator("[aria-invalid=true]").count() >= 1
    screenshot(page, "signup-errors-375")
    page.goto(f"{site}/accounts/password/reset/")
    screenshot(page, "password-reset-375")
    page.goto(f"{site}/accounts/login/?next=/accounts/password/change/")
    browser_login(page, "olle@example.com", PASSWORD)
    page.wait_for_url(f"{site}/accounts/password/change/")
    screenshot(page, "password-change-375")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
