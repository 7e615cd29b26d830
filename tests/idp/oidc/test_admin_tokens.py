"""Tokens are never shown in the admin, not even to a superuser."""

from __future__ import annotations

import pytest
from django.test import Client

from idp.services import account_create


@pytest.mark.django_db
def test_the_admin_has_no_token_pages(client: Client) -> None:
    operator = account_create(email="operator@example.com", email_verified=True)
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    index = client.get("/admin/").content.decode()
    assert "/admin/idp_oidc/application/" in index  # clients are managed here…
    for table in ("accesstoken", "refreshtoken", "idtoken", "grant"):  # …tokens are not
        assert f"/admin/oauth2_provider/{table}/" not in index
        assert client.get(f"/admin/oauth2_provider/{table}/").status_code == 404
