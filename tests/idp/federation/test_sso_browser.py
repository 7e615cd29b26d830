"""Company SSO in a real browser: Connect's email-first page, the company's own
IdP (tests.support.upstream_idp, a real OIDC server), and back, signed in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from idp.services import account_create
from tests.support.fixtures import screenshot
from tests.support.upstream_idp import UpstreamIdP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sso_login_in_the_browser(page: Any, site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", email_verified=True, display_name="Anna Andersson")
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}

    page.goto(f"{site}/accounts/login/?next=/account/")
    page.get_by_label(re.compile("e-?post|e-?mail", re.I)).fill("anna@examplecorp.se")
    page.get_by_role("button", name=re.compile("^(next|nästa)$", re.I)).click()

    # No password field: the company's own sign-in page, with the address handed over.
    page.wait_for_url(f"{upstream.issuer}/authorize?*")
    assert page.locator("#hint").inner_text() == "anna@examplecorp.se"
    screenshot(page, "sso-upstream")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(f"{site}/account/")
    assert page.get_by_text("anna@examplecorp.se").first.is_visible()
    assert page.get_by_text("Signed in with your company account").is_visible()
    screenshot(page, "sso-logged-in")


def test_sso_refusal_in_the_browser_is_a_clear_page(page: Any, site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    upstream.identity = {"sub": "upstream-new", "email": "new@examplecorp.se", "email_verified": True}
    page.goto(f"{site}/accounts/login/")
    page.get_by_label(re.compile("e-?post|e-?mail", re.I)).fill("new@examplecorp.se")
    page.get_by_role("button", name=re.compile("^(next|nästa)$", re.I)).click()
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    assert "Ask your administrator" in alert.inner_text()
    screenshot(page, "sso-refused")
