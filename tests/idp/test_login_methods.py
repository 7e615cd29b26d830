"""The login pages offer the other ways to sign in, keeping where the person was going."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_email_step_offers_bankid_and_keeps_next(client: Client, settings: object) -> None:
    settings.BANKID_ENABLED = True  # type: ignore[attr-defined]
    client.cookies["connect_language"] = "en"
    page = client.get("/accounts/login/?next=/o/authorize/%3Fclient_id%3Dx").content.decode()
    assert 'href="/login/bankid/?next=/o/authorize/%3Fclient_id%3Dx"' in page
    assert "Log in with BankID" in page


@pytest.mark.django_db
def test_no_bankid_button_when_bankid_is_off(client: Client, settings: object) -> None:
    settings.BANKID_ENABLED = False  # type: ignore[attr-defined]
    assert "/login/bankid/" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_account_page_links_connected_applications(client: Client) -> None:
    from idp.services import account_create

    user = account_create(email="ada@example.com", email_verified=True)
    client.force_login(user)
    client.cookies["connect_language"] = "en"
    page = client.get("/account/").content.decode()
    assert 'href="/account/applications/"' in page
