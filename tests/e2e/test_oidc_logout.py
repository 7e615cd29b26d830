"""RP-initiated logout (OIDC RP-Initiated Logout 1.0 §2, §3) and the edges of the
authorization request: prompt=none without a session, login_hint, ui_locales."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from idp.services import account_deactivate
from tests.e2e.oidc_client import authorize, get_code, pkce_pair, redeem, redirect_params, register, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_logout_with_id_token_hint_returns_to_the_registered_uri_only(site: str) -> None:
    client = register(site, post_logout_redirect_uris=["https://rp.example.com/bye"])
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    id_token = redeem(client, code, verifier).json()["id_token"]
    evil = session.get(
        client.metadata["end_session_endpoint"],
        params={"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example.com/"},
        allow_redirects=False,
    )
    assert evil.status_code == 400 and "Location" not in evil.headers
    out = session.get(
        client.metadata["end_session_endpoint"],
        params={"id_token_hint": id_token, "post_logout_redirect_uri": "https://rp.example.com/bye", "state": "x"},
        allow_redirects=False,
    )
    assert out.status_code == 302 and out.headers["Location"].startswith("https://rp.example.com/bye")
    # Logged out of Connect: a new authorization needs a login.
    again = authorize(session, client, challenge=pkce_pair()[1])
    assert urlsplit(again.headers["Location"]).path == "/accounts/login/"


def test_prompt_none_without_session_answers_login_required_to_the_client(site: str) -> None:
    client = register(site)
    response = authorize(requests.Session(), client, challenge=pkce_pair()[1], extra={"prompt": "none"})
    assert response.headers["Location"].startswith(client.redirect_uri)
    assert redirect_params(response)["error"] == "login_required"


def test_login_hint_goes_to_the_login_page_and_ui_locales_sets_the_language(site: str) -> None:
    client = register(site)
    browser = requests.Session()
    response = authorize(
        browser, client, challenge=pkce_pair()[1],
        extra={"login_hint": "anna@example.com", "ui_locales": "sv-SE en"},
    )  # fmt: skip
    location = urlsplit(response.headers["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["login_hint"] == ["anna@example.com"]
    login_page = browser.get(site + response.headers["Location"])
    assert "Logga in" in login_page.text  # the login page speaks Swedish


def test_deactivated_account_loses_its_tokens(site: str) -> None:
    client = register(site)
    session, user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    tokens = redeem(client, code, verifier).json()
    account_deactivate(user=user)
    refresh = requests.post(
        client.metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    assert refresh.status_code == 400
    info = requests.get(
        client.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10
    )
    assert info.status_code in (401, 403)


def test_tokens_and_secrets_never_in_the_logs(site: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    tokens = redeem(client, code, verifier).json()
    redeem(client, code, verifier)  # a replay, which is logged
    text = caplog.text
    for secret in (tokens["access_token"], tokens["refresh_token"], tokens["id_token"], code, client.client_secret):
        assert secret not in text
