"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools
WebAuthn domain) stands in for Touch ID / Windows Hello. The page's own
JavaScript runs the WebAuthn calls; the server checks what comes back."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from idp.services import account_create
from tests.e2e.authn_context import totp_code
from tests.e2e.passkeys import add_passkey, authenticator_for, password_session
from tests.factories import PASSWORD
from tests.support.fixtures import screenshot
from tests.support.login import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def virtual(page: Any) -> Iterator[tuple[Any, str]]:
    """A virtual authenticator for this test only (they outlive the browser context otherwise)."""
    cdp, authenticator_id = virtual_authenticator(page)
    yield cdp, authenticator_id
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    cdp.send("WebAuthn.disable")


def virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_add_a_passkey_from_the_account_page_then_sign_in_with_it(page: Any, site: str, virtual: Any) -> None:
    user = account_create(email="kim@example.com", password=PASSWORD, display_name="Kim", email_verified=True)
    cdp, authenticator_id = virtual
    page.goto(f"{site}/accounts/login/")
    browser_login(page, user.email, PASSWORD)
    page.wait_for_url(f"{site}/account/")

    page.get_by_role("link", name="Add a passkey").click()
    if "/reauthenticate/" in page.url:  # allauth asks for the password again before adding a key
        page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    page.get_by_label("Name of this passkey").fill("Kim's laptop")
    screenshot(page, "passkey-add")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(re.compile(r"/2fa/"))
    page.get_by_role("heading", name="Recovery codes").wait_for()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Kim's laptop" and key.wrap().is_passwordless

    # Sign out, then back in with the passkey alone: no email, no password typed.
    # A browser without passkey autofill (the next test covers autofill): the button.
    # Set before signing out: otherwise the sign-in page shown after logout offers
    # the new passkey by autofill, which the virtual authenticator accepts at once,
    # and the person is signed in again before the button is ever shown.
    page.add_init_script(
        "Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', {value: undefined})"
    )
    page.goto(f"{site}/account/")
    page.get_by_role("button", name="Log out", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto(f"{site}/accounts/login/?next=/account/")
    button = page.get_by_role("button", name="Log in with a passkey")
    button.wait_for()
    screenshot(page, "passkey-login")
    button.click()
    page.wait_for_url(f"{site}/account/")
    assert page.get_by_text("kim@example.com").first.is_visible()
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_failed_passkey_prompt_says_so_and_the_password_still_works(page: Any, site: str, virtual: Any) -> None:
    account_create(email="lo@example.com", password=PASSWORD, email_verified=True)
    page.goto(f"{site}/accounts/login/")
    # No passkey on this authenticator for Connect: the browser's prompt fails.
    page.get_by_role("button", name="Log in with a passkey").click()
    page.get_by_role("alert").filter(has_text="passkey").wait_for()
    browser_login(page, "lo@example.com", PASSWORD)
    page.wait_for_url(f"{site}/account/")


def test_the_browser_autofill_signs_in_without_typing_the_email(page: Any, site: str, virtual: Any) -> None:
    # Conditional mediation (WebAuthn L3 §5.1.4): the first sign-in page asks the
    # browser for a passkey in the background; Chromium's virtual authenticator
    # answers for the one passkey it holds for Connect, like picking it from autofill.
    user = account_create(email="ines@example.com", password=PASSWORD, email_verified=True)
    key = authenticator_for(site, user)
    assert add_passkey(password_session(site, user.email), site, key).status_code == 200
    cdp, authenticator_id = virtual
    pkcs8 = key.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    cdp.send(
        "WebAuthn.addCredential",
        {
            "authenticatorId": authenticator_id,
            "credential": {
                "credentialId": base64.b64encode(key.credential_id).decode(),
                "isResidentCredential": True,
                "rpId": key.rp_id,
                "privateKey": base64.b64encode(pkcs8).decode(),
                "userHandle": base64.b64encode(key.user_handle).decode(),
                "signCount": key.counter,
            },
        },
    )
    page.goto(f"{site}/accounts/login/?next=/account/")
    page.wait_for_url(f"{site}/account/")
    assert page.get_by_text("ines@example.com").first.is_visible()


def test_authenticator_app_set_up_and_used_at_the_next_sign_in(page: Any, site: str, settings: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # two different codes without waiting for the next 30-second window
    user = account_create(email="tove@example.com", password=PASSWORD, email_verified=True)
    page.goto(f"{site}/accounts/login/")
    browser_login(page, user.email, PASSWORD)
    page.wait_for_url(f"{site}/account/")
    page.get_by_role("link", name="Passkeys and two-step verification").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    if "/reauthenticate/" in page.url:
        page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    screenshot(page, "totp-activate")
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret, at=time.time() - 30))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "recovery-codes")

    page.goto(f"{site}/account/")
    page.get_by_role("button", name="Log out", exact=True).click()
    page.goto(f"{site}/accounts/login/")
    browser_login(page, user.email, PASSWORD)
    page.get_by_role("heading", name="Two-step verification").wait_for()
    screenshot(page, "totp-authenticate")
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret, at=time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{site}/account/")
