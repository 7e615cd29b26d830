"""A small, independent OIDC client for the end-to-end tests: requests + joserfc.

It knows Connect only through discovery and HTTP, like any relying party.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.clients import client_create
from idp.services import account_verify_email
from tests.factories import PASSWORD, UserFactory
from tests.support.login import http_login


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uri: str
    metadata: dict[str, Any] = field(default_factory=dict)


def register(site: str, *, client_type: str = "confidential", trusted: bool = True, **kwargs: Any) -> Client:
    redirect_uri = kwargs.pop("redirect_uri", "https://rp.example.com/callback")
    issued = client_create(
        name=kwargs.pop("name", "Test RP"),
        client_type=client_type,
        redirect_uris=[redirect_uri],
        trusted=trusted,
        **kwargs,
    )
    metadata = requests.get(f"{site}/.well-known/openid-configuration", timeout=10).json()
    return Client(issued.application.client_id, issued.client_secret, redirect_uri, metadata)


def signed_in(site: str, email: str | None = None) -> tuple[requests.Session, Any]:
    user = UserFactory(**({"email": email} if email else {}))
    account_verify_email(user=user, email=user.email)
    session = requests.Session()
    session.headers["Accept-Language"] = "en"  # the default language is Swedish
    http_login(session, site, user.email, PASSWORD)
    return session, user


def authorize(
    session: requests.Session, client: Client, *, challenge: str | None, extra: dict[str, str] | None = None
) -> requests.Response:
    """One authorization request; returns the (unfollowed) response."""
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra or {})
    return session.get(client.metadata["authorization_endpoint"] + "?" + urlencode(params), allow_redirects=False)


def redirect_params(response: requests.Response) -> dict[str, str]:
    location = response.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(session: requests.Session, client: Client, **kwargs: Any) -> tuple[str, str, str]:
    """(code, verifier, nonce) of a successful, consent-free authorization."""
    verifier, challenge = pkce_pair()
    extra = kwargs.pop("extra", {})
    nonce = secrets.token_urlsafe(8)
    response = authorize(session, client, challenge=challenge, extra={"nonce": nonce, **extra})
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"].startswith(client.redirect_uri), response.headers["Location"]
    params = redirect_params(response)
    assert "code" in params, params
    return params["code"], verifier, nonce


def redeem(client: Client, code: str, verifier: str | None, **overrides: Any) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": client.redirect_uri}
    if verifier:
        data["code_verifier"] = verifier
    data.update(overrides.pop("data", {}))
    auth = overrides.pop("auth", (client.client_id, client.client_secret) if client.client_secret else None)
    if auth is None:
        data["client_id"] = client.client_id
    return requests.post(client.metadata["token_endpoint"], data=data, auth=auth, timeout=10)


def verify_id_token(site: str, client: Client, id_token: str, nonce: str | None = None) -> dict[str, Any]:
    jwks = requests.get(client.metadata["jwks_uri"], timeout=10).json()
    decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": site},
        aud={"essential": True, "value": client.client_id},
        exp={"essential": True},
        sub={"essential": True},
        **({"nonce": {"essential": True, "value": nonce}} if nonce else {}),
    )
    registry.validate(decoded.claims)
    return dict(decoded.claims)
