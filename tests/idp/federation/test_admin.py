"""Company identity providers in the admin: superusers only; domains lower case, unique, validated."""

from __future__ import annotations

from typing import Any, cast

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client

from idp.audit.models import AuditEvent
from idp.federation.models import FederatedDomain, IdentityProvider
from idp.federation.selectors import identity_provider_for_email
from idp.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/idp_federation/identityprovider/add/"


def _app(key: str) -> SocialApp:
    return SocialApp.objects.create(provider="openid_connect", provider_id=key, name=key, client_id=key, secret="s")


def _form(app: SocialApp, key: str, *domains: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": f"{key} AB",
        "organization_key": key,
        "social_app": app.pk,
        "is_active": "on",
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    for i, domain in enumerate(domains):
        data[f"domains-{i}-domain"] = domain
    return data


@pytest.fixture
def superuser_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast(User, UserFactory(is_staff=True, is_superuser=True, preferred_language="en")))
    return client


def test_superuser_adds_a_provider_and_domains_are_normalised(superuser_client: Client) -> None:
    response = superuser_client.post(ADD, _form(_app("acme"), "acme", " Acme.SE. ", "acme-group.com"))
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get(organization_key="acme")
    assert sorted(provider.domains.values_list("domain", flat=True)) == ["acme-group.com", "acme.se"]
    assert identity_provider_for_email("Anna@ACME.se") == provider
    assert identity_provider_for_email("anna@other.se") is None
    row = AuditEvent.objects.get(event="federation.provider_added")
    assert row.actor is not None and row.actor.is_superuser
    assert row.data["domains"] == ["acme-group.com", "acme.se"]


def test_a_domain_belongs_to_one_company_only(superuser_client: Client) -> None:
    first = IdentityProvider.objects.create(name="A", organization_key="a", social_app=_app("a"))
    FederatedDomain.objects.create(identity_provider=first, domain="shared.se")
    response = superuser_client.post(ADD, _form(_app("b"), "b", "SHARED.se"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not IdentityProvider.objects.filter(organization_key="b").exists()


@pytest.mark.parametrize("bad", ["not a domain", "localhost", "a@b.se", "-x.se"])
def test_a_malformed_domain_is_refused_with_a_message(superuser_client: Client, bad: str) -> None:
    response = superuser_client.post(ADD, _form(_app("c"), "c", bad))
    assert response.status_code == 200
    assert "Enter a domain name in lower case" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_staff_who_are_not_superusers_cannot_see_or_add_providers() -> None:
    client = Client()
    client.force_login(cast(User, UserFactory(is_staff=True, is_superuser=False)))
    assert client.get("/admin/idp_federation/identityprovider/").status_code == 403
    assert client.post(ADD, _form(_app("d"), "d", "d.se")).status_code == 403
    assert not IdentityProvider.objects.exists()
