"""A company that signs its people in with its own IdP decides who gets in: a passkey
registered before the company moved to SSO no longer signs in alone; it sends the
person to the company's IdP (which may have cut them off)."""

from __future__ import annotations

from typing import Any

import pytest

from idp.audit.models import AuditEvent
from tests.e2e.passkeys import (
    add_passkey,
    authenticator_for,
    new_session,
    passkey_login,
    password_session,
    verified_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_passkey_of_a_federated_address_goes_to_the_company_idp(site: str, federate: Any, upstream: Any) -> None:
    user = verified_user("kim@example.org")
    key = authenticator_for(site, user)
    assert add_passkey(password_session(site, user.email), site, key).status_code == 200

    federate("exampleorg", "example.org")  # the company now signs its people in itself
    session = new_session()
    response = passkey_login(session, site, key)

    assert response.url.startswith(upstream.issuer), response.url  # at the company's sign-in page
    assert "Example Corp" in response.text
    assert "/accounts/login/" in session.get(site + "/account/").url  # not signed in at Connect
    assert AuditEvent.objects.filter(event="federation.required", user=user).exists()
