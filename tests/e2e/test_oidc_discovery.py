"""OIDC Discovery 1.0 and RFC 8414 metadata, read by an independent HTTP client."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.django_db(transaction=True)


def test_discovery_document_lists_every_endpoint_under_the_issuer(site: str) -> None:
    response = requests.get(f"{site}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    data = response.json()
    assert data["issuer"] == site
    for key in (
        "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
        "introspection_endpoint", "revocation_endpoint", "end_session_endpoint",
    ):  # fmt: skip
        assert data[key].startswith(site + "/"), key
        # Each listed endpoint really answers (not 404).
        assert requests.get(data[key], timeout=10, allow_redirects=False).status_code != 404, key
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["response_types_supported"] == ["code"]
    assert "implicit" not in data["grant_types_supported"] and "password" not in data["grant_types_supported"]
    assert set(data["scopes_supported"]) >= {"openid", "profile", "email"}
    assert set(data["claims_supported"]) >= {
        "sub", "email", "email_verified", "name", "given_name", "family_name", "locale", "auth_time", "amr", "acr",
    }  # fmt: skip
    assert data["id_token_signing_alg_values_supported"] == ["RS256"]


def test_oauth_server_metadata_says_the_same(site: str) -> None:
    oidc = requests.get(f"{site}/.well-known/openid-configuration", timeout=10).json()
    oauth = requests.get(f"{site}/.well-known/oauth-authorization-server", timeout=10).json()
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "introspection_endpoint",
                "revocation_endpoint", "code_challenge_methods_supported", "grant_types_supported"):  # fmt: skip
        assert oauth[key] == oidc[key], key


def test_jwks_publishes_rsa_keys_without_private_parts(site: str) -> None:
    jwks = requests.get(f"{site}/o/jwks/", timeout=10).json()
    assert jwks["keys"]
    for key in jwks["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
