"""What an OIDC client and a SAML service provider are told about how a
signed-in browser session authenticated (ID token amr/acr, AuthnContextClassRef).
Both are read with independent client libraries (joserfc, python3-saml)."""

from __future__ import annotations

import base64
import hmac
import time
from hashlib import sha1
from pathlib import Path
from typing import Any

import requests

from tests.e2e.oidc_client import get_code, redeem, register, verify_id_token
from tests.idp.saml.onelogin_sp import TestSP, posted_form


def id_token_claims(site: str, session: requests.Session) -> dict[str, Any]:
    client = register(site)
    code, verifier, nonce = get_code(session, client)
    response = redeem(client, code, verifier)
    assert response.status_code == 200, response.text
    return verify_id_token(site, client, response.json()["id_token"], nonce)


def saml_class_refs(site: str, session: requests.Session, tmp_path: Path) -> list[str]:
    sp = TestSP(site)
    sp.register(tmp_path)
    fields, request_id = sp.login_post()
    page = session.post(sp.sso_post_url, data=fields)
    assert "/accounts/login/" not in page.url, page.url
    _action, form = posted_form(page)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    return list(auth.get_last_authn_contexts())


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (TOTP, SHA-1, 30 s, 6 digits), written out here rather than taken from allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), counter.to_bytes(8, "big"), sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"
