"""Client credentials (RFC 6749 §4.4), introspection (RFC 7662) and revocation (RFC 7009)
of a client's own tokens only."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.oidc_client import Client, register

pytestmark = pytest.mark.django_db(transaction=True)


def _service(site: str, name: str = "Service") -> Client:
    return register(site, name=name, grants=["client_credentials"], scopes=["profile"], redirect_uri="")


def _token(client: Client, scope: str = "profile", secret: str | None = None) -> requests.Response:
    return requests.post(
        client.metadata["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client.client_id, client.client_secret if secret is None else secret),
        timeout=10,
    )


def test_client_credentials_token_and_wrong_secret(site: str) -> None:
    client = _service(site)
    response = _token(client)
    assert response.status_code == 200 and response.json()["expires_in"] <= 300
    assert "refresh_token" not in response.json()
    assert _token(client, secret="wrong").status_code == 401


def test_no_scope_beyond_what_the_client_is_allowed(site: str) -> None:
    client = _service(site)
    response = _token(client, scope="profile email")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_client_introspects_and_revokes_only_its_own_tokens(site: str) -> None:
    mine, theirs = _service(site, "Mine"), _service(site, "Theirs")
    token = _token(theirs).json()["access_token"]
    endpoint = mine.metadata["introspection_endpoint"]
    seen = requests.post(endpoint, data={"token": token}, auth=(mine.client_id, mine.client_secret), timeout=10)
    assert seen.json() == {"active": False}
    requests.post(
        mine.metadata["revocation_endpoint"],
        data={"token": token},
        auth=(mine.client_id, mine.client_secret),
        timeout=10,
    )
    own = requests.post(endpoint, data={"token": token}, auth=(theirs.client_id, theirs.client_secret), timeout=10)
    assert own.json()["active"] is True
    requests.post(
        mine.metadata["revocation_endpoint"],
        data={"token": token},
        auth=(theirs.client_id, theirs.client_secret),
        timeout=10,
    )
    gone = requests.post(endpoint, data={"token": token}, auth=(theirs.client_id, theirs.client_secret), timeout=10)
    assert gone.json()["active"] is False


def test_disabled_client_gets_no_token(site: str) -> None:
    from idp.oidc.clients import client_disable

    client = _service(site)
    client_disable(client_id=client.client_id)
    assert _token(client).status_code in (400, 401)
