"""Consent for third-party clients (remembered, revocable) and key rotation with overlap
(OIDC Core §10.1.1) seen by an independent client through the JWKS."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from idp.oidc import keys
from idp.oidc.models import SigningKey
from tests.e2e.oidc_client import (
    authorize,
    get_code,
    pkce_pair,
    redeem,
    redirect_params,
    register,
    signed_in,
    verify_id_token,
)
from tests.support.login import csrf_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_third_party_client_asks_consent_once_and_it_can_be_revoked(site: str) -> None:
    client = register(site, trusted=False, name="Third Party App")
    session, _user = signed_in(site)
    page = authorize(session, client, challenge=pkce_pair()[1])
    assert page.status_code == 200 and "Third Party App" in page.text
    assert "See your email address" in page.text
    none = authorize(session, client, challenge=pkce_pair()[1], extra={"prompt": "none"})
    assert redirect_params(none)["error"] == "consent_required"
    form = dict(__import__("re").findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form["allow"] = "Authorize"
    allowed = session.post(page.url, data=form, headers={"Referer": page.url}, allow_redirects=False)
    assert "code" in redirect_params(allowed)
    # Remembered: the next authorization needs no page.
    get_code(session, client)
    apps = session.get(f"{site}/account/applications/")
    assert "Third Party App" in apps.text
    consent_id = apps.text.split('name="consent" value="')[1].split('"')[0]
    session.post(
        apps.url,
        data={"csrfmiddlewaretoken": csrf_token(apps.text), "consent": consent_id},
        headers={"Referer": apps.url},
    )
    assert authorize(session, client, challenge=pkce_pair()[1]).status_code == 200


def test_next_key_is_published_before_it_signs_and_retired_key_stays(site: str) -> None:
    client = register(site)
    session, _user = signed_in(site)
    code, verifier, nonce = get_code(session, client)
    old_token = redeem(client, code, verifier).json()["id_token"]
    keys.keys_rotate()
    upcoming = SigningKey.objects.get(state="next")
    kids = {key["kid"] for key in requests.get(f"{site}/o/jwks/", timeout=10).json()["keys"]}
    assert upcoming.kid in kids
    # Not yet promoted: published too recently, even when forced.
    assert keys.keys_rotate(force=True)["promoted"] is None
    later = timezone.now() + timedelta(hours=2)
    assert keys.keys_rotate(now=later, force=True)["promoted"] == upcoming.kid
    code, verifier, nonce = get_code(session, client)
    new_token = redeem(client, code, verifier).json()["id_token"]
    claims = verify_id_token(site, client, new_token, nonce)
    assert claims["sub"]
    # The old token still verifies: its key stays in the JWKS.
    verify_id_token(site, client, old_token)
    kids = {key["kid"] for key in requests.get(f"{site}/o/jwks/", timeout=10).json()["keys"]}
    assert SigningKey.objects.get(state="retired").kid in kids
    call_command("oidc_keys", "list", stdout=open("/dev/null", "w"))  # noqa: SIM115
