"""Passkeys through allauth's WebAuthn (WebAuthn Level 2/3, checked by fido2):
added from the account page, signing in alone, and refused when the origin,
the challenge or user verification is wrong."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.e2e.passkeys import (
    add_passkey,
    authenticator_for,
    login_options,
    new_session,
    passkey_login,
    password_session,
    post_assertion,
    verified_user,
)  # fmt: skip
from tests.factories import PASSWORD
from tests.support.login import http_login

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_as(session, site: str) -> str:  # type: ignore[no-untyped-def]
    page = session.get(site + "/account/")
    return page.url


def test_a_passkey_added_from_the_account_page_signs_in_alone(site: str) -> None:
    user = verified_user("pia@example.com")
    key = authenticator_for(site, user)
    session = password_session(site, user.email)
    added = add_passkey(session, site, key)
    assert added.status_code == 200, added.text[:500]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1
    fresh = new_session()
    response = passkey_login(fresh, site, key)
    assert response.url.rstrip("/").endswith("/account"), response.url
    assert "pia@example.com" in response.text


@pytest.fixture
def enrolled(site: str):  # type: ignore[no-untyped-def]
    user = verified_user("ola@example.com")
    key = authenticator_for(site, user)
    assert add_passkey(password_session(site, user.email), site, key).status_code == 200
    return user, key


def _not_signed_in(session, site: str) -> bool:  # type: ignore[no-untyped-def]
    return "/accounts/login/" in session.get(site + "/account/").url


def test_an_assertion_from_another_origin_is_refused(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    # WebAuthn §7.2 step 9: the origin in clientDataJSON must be the RP's.
    _user, key = enrolled
    session = new_session()
    response = passkey_login(session, site, key, origin="https://connect.example.evil")
    assert "/accounts/login/" in response.url
    assert _not_signed_in(session, site)
    # The same key from the right origin works, so it was the origin that was refused.
    assert not _not_signed_in(_signed(site, key), site)


def _signed(site: str, key):  # type: ignore[no-untyped-def]
    session = new_session()
    passkey_login(session, site, key)
    return session


def test_a_replayed_assertion_is_refused(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    # WebAuthn §7.2 step 10: the challenge must be the one this ceremony issued;
    # allauth drops it from the session once used.
    _user, key = enrolled
    victim = new_session()
    options = login_options(victim, site)
    captured = key.assert_(options["challenge"])
    assert not _not_signed_in(_post(victim, site, captured), site)
    # Replayed in a new session, before and after asking for a fresh challenge.
    attacker = new_session()
    assert _not_signed_in(_post(attacker, site, captured), site)
    login_options(attacker, site)
    assert _not_signed_in(_post(attacker, site, captured), site)
    # And in the victim's own browser once more after signing out.
    victim.post(
        site + "/accounts/logout/",
        data={"csrfmiddlewaretoken": victim.cookies.get("csrftoken", "")},
        headers={"Referer": site + "/account/"},
    )
    assert _not_signed_in(_post(victim, site, captured), site)


def _post(session, site: str, credential):  # type: ignore[no-untyped-def]
    post_assertion(session, site, credential)
    return session


def test_an_assertion_without_user_verification_is_refused(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    # WebAuthn §7.2 step 15: signing in with the passkey alone requires the UV flag.
    _user, key = enrolled
    session = new_session()
    response = passkey_login(session, site, key, user_verified=False)
    assert "/accounts/login/" in response.url
    assert _not_signed_in(session, site)


def test_a_registration_from_another_origin_adds_nothing(site: str) -> None:
    user = verified_user("eva@example.com")
    key = authenticator_for(site, user)
    key.origin = "https://evil.example"
    response = add_passkey(password_session(site, user.email), site, key)
    assert response.status_code == 200 and "/2fa/webauthn/add/" in response.url
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def test_a_passkey_that_did_not_verify_the_user_is_not_added(site: str) -> None:
    # A passkey signs in alone, so registration requires the UV flag too (WebAuthn §7.1 step 15).
    user = verified_user("uv@example.com")
    response = add_passkey(password_session(site, user.email), site, authenticator_for(site, user), user_verified=False)
    assert "/2fa/webauthn/add/" in response.url
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def test_a_garbled_credential_gets_a_message_not_a_stack_trace(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    session = new_session()
    login_options(session, site)
    response = post_assertion(session, site, {"id": "x", "response": "nonsense"})
    assert response.status_code == 200 and "/accounts/login/" in response.url
    assert "Traceback" not in response.text and _not_signed_in(session, site)


def test_the_account_page_leads_to_passkeys_and_two_step_verification(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    _user, key = enrolled
    session = new_session()
    passkey_login(session, site, key)
    account = session.get(site + "/account/")
    assert 'href="/accounts/2fa/webauthn/add/"' in account.text and 'href="/accounts/2fa/"' in account.text
    overview = session.get(site + "/accounts/2fa/")
    assert overview.status_code == 200
    assert "You have 1 passkey." in overview.text and "Set up an authenticator app" in overview.text
    listing = session.get(site + "/accounts/2fa/webauthn/")
    assert "Laptop" in listing.text


def test_with_a_passkey_a_password_alone_no_longer_signs_in(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    # allauth's MFA stage: the passkey is now the second step after a password.
    user, _key = enrolled
    session = new_session()
    page = http_login(session, site, user.email, PASSWORD)
    assert "/2fa/authenticate/" in page.url and "Use a passkey" in page.text
    assert _not_signed_in(session, site)


def test_passkey_sign_in_goes_on_to_next_but_never_off_site(site: str, enrolled) -> None:  # type: ignore[no-untyped-def]
    _user, key = enrolled
    onward = passkey_login(new_session(), site, key, next_url="/accounts/2fa/")
    assert onward.url == site + "/accounts/2fa/"
    away = passkey_login(new_session(), site, key, next_url="https://evil.example/")
    assert away.url.startswith(site)
