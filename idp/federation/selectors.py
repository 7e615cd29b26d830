from __future__ import annotations

from django.db.models import Q

from idp.federation.domains import provider_id_for_domain
from idp.federation.models import FederatedDomain, IdentityProvider, email_domain


def identity_provider_for_email(email: str) -> IdentityProvider | None:
    """The active company IdP that owns this address's domain, if any (home-realm
    discovery). Asked on every sign-in: the domain map is a per-process snapshot
    (idp.federation.domains); the database is read only for a federated domain."""
    if "@" not in email:
        return None
    provider_id = provider_id_for_domain(email_domain(email))
    if provider_id is None:
        return None
    return IdentityProvider.objects.select_related("social_app").filter(pk=provider_id, is_active=True).first()


def identity_provider_for_organization(organization_key: str) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(is_active=True, organization_key=organization_key).first()


def identity_provider_for_account_provider(provider: str) -> IdentityProvider | None:
    """The entry for the allauth app a login came back from. ``SocialAccount.provider``
    holds the app's ``provider_id`` for openid_connect/saml apps (one per company)."""
    return (
        IdentityProvider.objects.select_related("social_app")
        .filter(Q(social_app__provider_id=provider) | Q(social_app__provider=provider, social_app__provider_id=""))
        .first()
    )


def federated_domains() -> list[str]:
    """Every domain an active company IdP signs in (few: one or two per SSO company)."""
    return list(FederatedDomain.objects.filter(identity_provider__is_active=True).values_list("domain", flat=True))
