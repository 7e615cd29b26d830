"""The per-process map of federated domains (idp.federation.domains): read on
every sign-in without a query, current at once in the process that changed it
and within a second in every other."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from idp.federation import domains
from idp.federation.domains import GENERATION_KEY
from idp.federation.models import FederatedDomain, IdentityProvider
from idp.federation.selectors import identity_provider_for_email

pytestmark = pytest.mark.django_db


def company(key: str = "acme") -> IdentityProvider:
    app = SocialApp.objects.create(provider="openid_connect", provider_id=key, name=key, client_id="c", secret="s")
    return IdentityProvider.objects.create(name=key, organization_key=key, social_app=app)


def test_a_non_federated_address_costs_no_query_once_the_map_is_loaded() -> None:
    FederatedDomain.objects.create(identity_provider=company(), domain="acme.example")
    assert identity_provider_for_email("ada@other.example") is None  # loads the map
    with CaptureQueriesContext(connection) as queries:
        assert identity_provider_for_email("bob@other.example") is None
    assert queries.captured_queries == []
    assert identity_provider_for_email("eve@ACME.example").organization_key == "acme"  # type: ignore[union-attr]


def test_a_domain_added_or_removed_applies_at_once() -> None:
    provider = company()
    assert identity_provider_for_email("ada@acme.example") is None
    domain = FederatedDomain.objects.create(identity_provider=provider, domain="acme.example")
    assert identity_provider_for_email("ada@acme.example") == provider
    domain.delete()
    assert identity_provider_for_email("ada@acme.example") is None


def test_a_deactivated_provider_stops_at_once_and_comes_back() -> None:
    provider = company()
    FederatedDomain.objects.create(identity_provider=provider, domain="acme.example")
    assert identity_provider_for_email("ada@acme.example") == provider
    provider.is_active = False
    provider.save()
    assert identity_provider_for_email("ada@acme.example") is None
    provider.is_active = True
    provider.save()
    assert identity_provider_for_email("ada@acme.example") == provider


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(domains, "_clock", lambda: now[0])
    return now


def test_a_change_made_by_another_process_applies_within_a_second(clock: list[float]) -> None:
    """Another worker's change reaches this one through the generation token in
    the shared cache: rows written without signals (as another process's would be,
    seen from here) stay unseen until the token changes and this process looks at
    it again, at most a second later."""
    provider = company()
    assert identity_provider_for_email("ada@acme.example") is None
    FederatedDomain.objects.bulk_create([FederatedDomain(identity_provider=provider, domain="acme.example")])
    cache.set(GENERATION_KEY, "drawn-by-another-process", timeout=None)
    clock[0] += 0.9
    assert identity_provider_for_email("ada@acme.example") is None  # the token is not read within the second
    clock[0] += 0.1
    assert identity_provider_for_email("ada@acme.example") == provider


def test_an_unchanged_token_keeps_the_map_without_a_query(clock: list[float]) -> None:
    FederatedDomain.objects.create(identity_provider=company(), domain="acme.example")
    assert identity_provider_for_email("ada@other.example") is None  # loads the map
    clock[0] += 5
    with CaptureQueriesContext(connection) as queries:
        assert identity_provider_for_email("bob@other.example") is None  # token read again: unchanged
    assert queries.captured_queries == []  # so the map was not loaded again
    assert identity_provider_for_email("eve@acme.example") is not None


def test_a_flushed_cache_reloads_the_map(clock: list[float]) -> None:
    provider = company()
    assert identity_provider_for_email("ada@acme.example") is None
    FederatedDomain.objects.bulk_create([FederatedDomain(identity_provider=provider, domain="acme.example")])
    cache.clear()  # a restarted Redis: no token at all
    clock[0] += 1
    assert identity_provider_for_email("ada@acme.example") == provider


def test_the_token_is_drawn_again_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    """A process that read the old rows while the change was uncommitted would have
    tagged them with the token drawn at save time; the one drawn after commit
    makes it load again."""
    provider = company()
    with django_capture_on_commit_callbacks(execute=True):
        FederatedDomain.objects.create(identity_provider=provider, domain="acme.example")
        at_save = cache.get(GENERATION_KEY)
    assert at_save is not None
    assert cache.get(GENERATION_KEY) != at_save
