"""Fixtures: a company with its own OpenID Connect provider (a real one:
tests.support.upstream_idp), registered in Connect as a superuser would.
Import them where needed (tests/idp/federation/conftest.py, e2e modules)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp

from idp.federation.models import FederatedDomain, IdentityProvider
from tests.support.upstream_idp import UpstreamIdP


@pytest.fixture
def upstream() -> Iterator[UpstreamIdP]:
    server = UpstreamIdP().start()
    yield server
    server.stop()


@pytest.fixture
def federate(site: str, upstream: UpstreamIdP, settings: Any) -> Callable[..., IdentityProvider]:
    """Register a company IdP in Connect, as a superuser does in the admin."""
    # The live server speaks plain HTTP: allauth builds its callback URL with this scheme.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"

    def make(key: str, *domains: str) -> IdentityProvider:
        app = SocialApp.objects.create(
            provider="openid_connect",
            provider_id=key,
            name=f"{key} SSO",
            client_id=upstream.client_id,
            secret=upstream.client_secret,
            settings={"server_url": upstream.issuer, "oauth_pkce_enabled": True},
        )
        upstream.redirect_uris.add(f"{site}/accounts/oidc/{key}/login/callback/")
        provider = IdentityProvider.objects.create(name=f"{key.title()} AB", organization_key=key, social_app=app)
        for domain in domains:
            FederatedDomain.objects.create(identity_provider=provider, domain=domain)
        return provider

    return make
