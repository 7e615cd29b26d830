"""Refresh tokens (RFC 6749 §6, RFC 9700 §4.14): rotation, replay revokes the family, no escalation."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.oidc_client import Client, get_code, redeem, register, signed_in, verify_id_token

pytestmark = pytest.mark.django_db(transaction=True)


def _refresh(client: Client, token: str, **data: str) -> requests.Response:
    return requests.post(
        client.metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token, **data},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )


def test_refresh_rotates_and_keeps_auth_time(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, nonce = get_code(session, client)
    first = redeem(client, code, verifier).json()
    first_claims = verify_id_token(site, client, first["id_token"], nonce)
    second = _refresh(client, first["refresh_token"])
    assert second.status_code == 200, second.text
    tokens = second.json()
    assert tokens["refresh_token"] != first["refresh_token"]
    claims = verify_id_token(site, client, tokens["id_token"])
    assert claims["auth_time"] == first_claims["auth_time"] and claims["amr"] == first_claims["amr"]


def test_replayed_refresh_token_revokes_the_whole_family(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    first = redeem(client, code, verifier).json()
    second = _refresh(client, first["refresh_token"]).json()
    replay = _refresh(client, first["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # The legitimate newest token died with the family.
    assert _refresh(client, second["refresh_token"]).status_code == 400
    introspect = requests.post(
        client.metadata["introspection_endpoint"], data={"token": second["access_token"]},
        auth=(client.client_id, client.client_secret), timeout=10,
    )  # fmt: skip
    assert introspect.json()["active"] is False


def test_no_scope_escalation_on_refresh(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client, extra={"scope": "openid"})
    first = redeem(client, code, verifier).json()
    wider = _refresh(client, first["refresh_token"], scope="openid email")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_another_client_cannot_use_the_refresh_token(site: str) -> None:
    client = register(site)
    other = register(site, name="Other")
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    first = redeem(client, code, verifier).json()
    assert _refresh(other, first["refresh_token"]).status_code in (400, 401)


def test_changing_the_password_ends_the_refresh_tokens(site: str) -> None:
    from tests.factories import PASSWORD
    from tests.support.login import csrf_token

    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    tokens = redeem(client, code, verifier).json()
    page = session.get(f"{site}/accounts/password/change/")
    new = "a completely new passphrase 42"
    changed = session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "oldpassword": PASSWORD,
            "password1": new,
            "password2": new,
        },
        headers={"Referer": page.url},
    )
    assert changed.status_code == 200
    assert _refresh(client, tokens["refresh_token"]).status_code == 400


def test_refresh_family_has_an_absolute_lifetime(site: str) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from oauth2_provider.models import RefreshToken

    client = register(site)
    session, _user = signed_in(site)
    code, verifier, _nonce = get_code(session, client)
    first = redeem(client, code, verifier).json()
    second = _refresh(client, first["refresh_token"]).json()
    # The family started longer ago than the absolute limit (the data is moved back
    # in time; the tokens were used recently, so only the absolute limit applies).
    started = timezone.now() - timedelta(seconds=settings.OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS + 60)
    family = RefreshToken.objects.get(access_token__isnull=False).token_family
    RefreshToken.objects.filter(token_family=family, revoked__isnull=False).update(created=started)
    refused = _refresh(client, second["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
