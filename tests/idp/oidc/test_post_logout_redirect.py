"""Where the browser may go after a logout that told the SAML SPs first:
only a registered post_logout_redirect_uri (OIDC RP-Initiated Logout 1.0 §3)."""

from __future__ import annotations

import pytest

from idp.oidc.clients import client_create, client_disable, post_logout_redirect_registered

pytestmark = pytest.mark.django_db


def test_only_the_registered_uri_with_the_state_is_accepted() -> None:
    issued = client_create(
        name="RP",
        client_type="confidential",
        redirect_uris=["https://rp.example.com/cb"],
        post_logout_redirect_uris=["https://rp.example.com/bye"],
    )
    assert post_logout_redirect_registered("https://rp.example.com/bye")
    assert post_logout_redirect_registered("https://rp.example.com/bye?state=s-1")
    for other in (
        "https://rp.example.com/byebye",
        "https://rp.example.com/bye.evil.example/",
        "https://rp.example.com.evil.example/bye",
        "https://evil.example/?u=https://rp.example.com/bye",
        "https://rp.example.com/cb",
        "",
    ):
        assert not post_logout_redirect_registered(other), other
    client_disable(client_id=issued.application.client_id)
    assert not post_logout_redirect_registered("https://rp.example.com/bye?state=s-1")
