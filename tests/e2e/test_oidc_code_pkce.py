"""Authorization code + PKCE (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1), claims, and the
SECURITY.md promises on redirect URIs, grants, PKCE and codes."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.oidc_client import (
    authorize,
    get_code,
    pkce_pair,
    redeem,
    redirect_params,
    register,
    signed_in,
    verify_id_token,
)  # fmt: skip

pytestmark = pytest.mark.django_db(transaction=True)


def test_code_flow_with_pkce_gives_a_valid_id_token_with_the_claims(site: str) -> None:
    client = register(site)
    session, user = signed_in(site)
    code, verifier, nonce = get_code(session, client)
    response = redeem(client, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] <= 300
    claims = verify_id_token(site, client, tokens["id_token"], nonce)
    assert claims["sub"] == str(user.pk)
    assert claims["email"] == user.email
    assert claims["given_name"] == user.given_name and claims["family_name"] == user.family_name
    assert claims["name"] and claims["locale"]
    assert claims["email_verified"] in (True, False)
    assert "pwd" in claims["amr"] and claims["acr"]
    assert abs(claims["auth_time"] - claims["iat"]) < 120
    info = requests.get(
        client.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10
    )
    assert info.status_code == 200 and info.json()["sub"] == str(user.pk)


def test_unregistered_redirect_uri_is_shown_on_our_page_never_redirected(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    for prompt in ({}, {"prompt": "none"}):
        _v, challenge = pkce_pair()
        response = authorize(
            session,
            client,
            challenge=challenge,
            extra={"redirect_uri": "https://rp.example.com/callback/evil", **prompt},
        )
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "Sign-in request refused" in response.text
    unknown = authorize(session, client, challenge=challenge, extra={"client_id": "nobody"})
    assert unknown.status_code in (400, 401) and "Location" not in unknown.headers


def test_no_implicit_and_no_password_grant(site: str) -> None:
    client = register(site)
    session, user = signed_in(site)
    _v, challenge = pkce_pair()
    implicit = authorize(session, client, challenge=challenge, extra={"response_type": "token"})
    assert implicit.status_code in (302, 400)
    if implicit.status_code == 302:
        assert "access_token" not in implicit.headers["Location"]
        assert redirect_params(implicit)["error"] in ("unsupported_response_type", "unauthorized_client")
    password = requests.post(
        client.metadata["token_endpoint"],
        data={"grant_type": "password", "username": user.email, "password": "x"},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    assert password.status_code == 400 and "access_token" not in password.json()


def test_public_client_needs_s256_and_plain_is_refused(site: str) -> None:
    client = register(site, client_type="public")
    session, _user = signed_in(site)
    missing = authorize(session, client, challenge=None)
    assert redirect_params(missing)["error"] == "invalid_request"
    plain = authorize(
        session, client, challenge=None, extra={"code_challenge": "a" * 43, "code_challenge_method": "plain"}
    )
    assert redirect_params(plain)["error"] == "invalid_request"
    code, verifier, _nonce = get_code(session, client)
    assert redeem(client, code, None).status_code == 400  # challenge without verifier
    code, verifier, _nonce = get_code(session, client)
    assert redeem(client, code, "wrong" + verifier[5:]).status_code == 400
    code, verifier, _nonce = get_code(session, client)
    assert redeem(client, code, verifier).status_code == 200


def test_code_is_single_use_and_second_redemption_revokes_the_tokens(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    first = redeem(client, code, verifier).json()
    second = redeem(client, code, verifier)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    introspect = requests.post(
        client.metadata["introspection_endpoint"], data={"token": first["access_token"]},
        auth=(client.client_id, client.client_secret), timeout=10,
    )  # fmt: skip
    assert introspect.json()["active"] is False


def test_code_bound_to_client_and_redirect_uri(site: str) -> None:
    client = register(site)
    other = register(site, redirect_uri="https://other.example.com/cb", name="Other")
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    stolen = redeem(other, code, verifier, data={"redirect_uri": client.redirect_uri})
    assert stolen.status_code == 400
    code, verifier, _nonce = get_code(session, client)
    wrong_uri = redeem(client, code, verifier, data={"redirect_uri": "https://rp.example.com/other"})
    assert wrong_uri.status_code == 400


def test_tokens_never_in_urls(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    response = authorize(session, client, challenge=pkce_pair()[1])
    params = redirect_params(response)
    assert set(params) <= {"code", "state", "iss"}
    assert params["iss"] == site


def test_code_lives_at_most_60_seconds(site: str) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import Grant

    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    grant = Grant.objects.get()
    assert grant.expires - grant.created <= timedelta(seconds=60)
    Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))  # the code's 60 s are over
    expired = redeem(client, code, verifier)
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_tokens_and_codes_never_shown_in_the_admin(site: str, admin_client: Any) -> None:
    from oauth2_provider.models import AccessToken, Grant, RefreshToken

    client = register(site)
    session, _user = signed_in(site)
    pending_code, _v, _n = get_code(session, client)
    grant = Grant.objects.get()
    code, verifier, _nonce = get_code(session, client)
    tokens = redeem(client, code, verifier).json()
    pages = [
        admin_client.get(f"/admin/oauth2_provider/grant/{grant.pk}/change/"),
        admin_client.get("/admin/oauth2_provider/grant/"),
        admin_client.get(f"/admin/oauth2_provider/accesstoken/{AccessToken.objects.get().pk}/change/"),
        admin_client.get(f"/admin/oauth2_provider/refreshtoken/{RefreshToken.objects.get().pk}/change/"),
        admin_client.get("/admin/oauth2_provider/accesstoken/"),
    ]
    pages.append(admin_client.get("/admin/"))
    for page in pages:
        # The token tables are not in the admin at all (404); nothing shows a token.
        assert page.status_code in {200, 404}
        text = page.content.decode()
        for secret in (pending_code, tokens["access_token"], tokens["refresh_token"]):
            assert secret not in text
