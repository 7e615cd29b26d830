"""The ID token's amr/acr (OIDC Core §2, RFC 8176) and SAML's AuthnContextClassRef
(SAML Core §2.7.2.2) say how the person signed in: password, password + TOTP,
passkey. (BankID: tests/idp/bankid/test_authn_context.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.e2e.authn_context import id_token_claims, saml_class_refs, totp_code
from tests.e2e.passkeys import (
    add_passkey,
    authenticator_for,
    new_session,
    passkey_login,
    password_session,
    verified_user,
)
from tests.factories import PASSWORD
from tests.support.login import csrf_token, http_login

pytestmark = pytest.mark.django_db(transaction=True)

PPT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
REFEDS_MFA = "https://refeds.org/profile/mfa"


def test_discovery_lists_the_acr_values(site: str) -> None:
    document = requests.get(f"{site}/.well-known/openid-configuration", timeout=10).json()
    assert document["acr_values_supported"] == [
        "urn:connect:acr:1fa",
        "urn:connect:acr:mfa",
        "http://id.elegnamnden.se/loa/1.0/loa3",
    ]


def test_password_login(site: str, tmp_path: Path) -> None:
    user = verified_user("pw@example.com")
    session = password_session(site, user.email)
    claims = id_token_claims(site, session)
    assert claims["amr"] == ["pwd"] and claims["acr"] == "urn:connect:acr:1fa"
    assert saml_class_refs(site, session, tmp_path) == [PPT]


def test_password_and_totp_login(site: str, tmp_path: Path) -> None:
    user = verified_user("totp@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    session = new_session()
    second = http_login(session, site, user.email, PASSWORD)
    assert "/2fa/authenticate/" in second.url, second.url
    # A wrong code is refused with a message, and nothing is signed in.
    wrong = session.post(second.url, data={"csrfmiddlewaretoken": csrf_token(second.text), "code": "000000"},
                         headers={"Referer": second.url})  # fmt: skip
    assert "/2fa/authenticate/" in wrong.url and "/account/" not in wrong.url
    done = session.post(
        second.url,
        data={"csrfmiddlewaretoken": csrf_token(wrong.text), "code": totp_code(secret)},
        headers={"Referer": second.url},
    )
    assert done.url.rstrip("/").endswith("/account"), done.url
    claims = id_token_claims(site, session)
    assert claims["amr"] == ["pwd", "otp", "mfa"] and claims["acr"] == "urn:connect:acr:mfa"
    assert saml_class_refs(site, session, tmp_path) == [REFEDS_MFA]


def test_passkey_login(site: str, tmp_path: Path) -> None:
    user = verified_user("key@example.com")
    key = authenticator_for(site, user)
    assert add_passkey(password_session(site, user.email), site, key).status_code == 200
    session = new_session()
    passkey_login(session, site, key)
    claims = id_token_claims(site, session)
    assert claims["amr"] == ["hwk", "user", "mfa"] and claims["acr"] == "urn:connect:acr:mfa"
    assert saml_class_refs(site, session, tmp_path) == [REFEDS_MFA]
