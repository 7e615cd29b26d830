"""The operator command prints JSON; client secrets are stored with the fast keyed hash."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from idp.oidc.models import Application, SigningKey

pytestmark = pytest.mark.django_db


def _run(*args: str) -> object:
    out = io.StringIO()
    call_command("oidc_client", *args, stdout=out)
    return json.loads(out.getvalue())


def test_create_list_rotate_disable() -> None:
    created = _run(
        "create", "--name", "Shop", "--type", "confidential", "--redirect-uri", "https://shop.example.com/cb",
        "--grant", "authorization_code", "--grant", "refresh_token", "--scope", "openid", "--scope", "email",
    )  # fmt: skip
    assert isinstance(created, dict)
    secret = created["client_secret"]
    assert len(secret) >= 43
    stored = Application.objects.get(client_id=created["client_id"])
    assert stored.client_secret.startswith("connect_hmac_sha256$") and secret not in stored.client_secret
    assert check_password(secret, stored.client_secret)
    listed = _run("list")
    assert isinstance(listed, list) and "client_secret" not in json.dumps(listed)
    rotated = _run("rotate-secret", created["client_id"])
    assert isinstance(rotated, dict) and rotated["client_secret"] != secret
    disabled = _run("disable", created["client_id"])
    assert isinstance(disabled, dict) and disabled["active"] is False


def test_public_client_has_no_secret_and_bad_input_is_a_clear_error() -> None:
    created = _run("create", "--name", "App", "--type", "public", "--redirect-uri", "https://app.example.com/cb")
    assert isinstance(created, dict) and "client_secret" not in created
    with pytest.raises(CommandError, match=r"(?i)redirect.?URI"):
        _run("create", "--name", "X", "--type", "confidential")
    with pytest.raises(CommandError, match="client_id"):
        _run("disable", "nope")


def test_password_hashing_never_uses_the_client_secret_hasher() -> None:
    from django.contrib.auth.hashers import make_password

    assert make_password("some password").startswith("argon2")


def test_signing_key_admin_and_repr_hide_the_private_key(admin_client: object) -> None:
    from idp.oidc.keys import signing_key_active

    key = signing_key_active()
    row = SigningKey.objects.get(kid=key.kid)
    assert "PRIVATE" not in repr(row) and "PRIVATE" not in str(row)
    page = admin_client.get(f"/admin/idp_oidc/signingkey/{row.pk}/change/")  # type: ignore[attr-defined]
    assert page.status_code == 200 and "PRIVATE KEY" not in page.content.decode()


def test_admin_shows_a_new_secret_once_and_never_again(admin_client: object) -> None:
    import re

    page = admin_client.post(  # type: ignore[attr-defined]
        "/admin/idp_oidc/application/add/",
        {
            "name": "Admin made",
            "client_type": "confidential",
            "authorization_grant_type": "authorization-code",
            "redirect_uris": "https://admin.example.com/cb",
            "post_logout_redirect_uris": "",
            "algorithm": "RS256",
            "allowed_origins": "",
            "registration_source": "manual",
            "is_active": "on",
            "allowed_scopes": "",
            "grant_types": "",
        },
        follow=True,
    )
    text = page.content.decode()
    match = re.search(r"(?:shown only this once|visas bara denna gång): ([A-Za-z0-9_-]{40,})", text)
    assert match, text[:2000]
    application = Application.objects.get(name="Admin made")
    assert check_password(match.group(1), application.client_secret)
    change = admin_client.get(f"/admin/idp_oidc/application/{application.pk}/change/")  # type: ignore[attr-defined]
    assert match.group(1) not in change.content.decode() and application.client_secret not in change.content.decode()
