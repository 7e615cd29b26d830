"""allauth's socialaccount adapter for company SSO (SOCIALACCOUNT_ADAPTER).

allauth runs the protocol (state, PKCE, token exchange, ID token checks);
this adapter decides who may come in, through idp.federation.services.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from idp.adapter import client_agent, client_ip
from idp.federation.selectors import identity_provider_for_account_provider
from idp.federation.services import (
    FederationRefused,
    claims_email,
    federated_account_resolve,
    federated_login_record,
)


def asserted_email(sociallogin: SocialLogin) -> tuple[str, bool]:
    """The address upstream vouches for, and whether it says it verified it.

    OpenID Connect: the userinfo response when there is one (OIDC Core §5.3),
    else the validated ID token (§3.1.3.7), and only a boolean ``true``
    ``email_verified`` counts (§5.1). SAML has no standard claim: the app's
    ``attribute_mapping`` must map an ``email_verified`` attribute, which allauth
    reads as a boolean; without one the address is not trusted."""
    data = sociallogin.account.extra_data or {}
    for key in ("userinfo", "id_token"):
        if isinstance(data.get(key), dict) and data[key]:
            return claims_email(data[key])
    addresses = sorted(sociallogin.email_addresses, key=lambda a: not a.primary)
    if sociallogin.account.get_provider().id == "saml" and addresses:
        return claims_email({"email": addresses[0].email, "email_verified": addresses[0].verified is True})
    return claims_email({})


class ConnectSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Connect never creates an account from an upstream login: people are provisioned.
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = identity_provider_for_account_provider(sociallogin.account.provider)
        email, verified = asserted_email(sociallogin)
        linked_user = sociallogin.user if sociallogin.is_existing else None
        ip, agent = client_ip(request), client_agent(request)
        try:
            user = federated_account_resolve(
                provider=provider,
                email=email,
                email_verified=verified,
                linked_user=linked_user,
                ip_address=ip,
                user_agent=agent,
            )
        except FederationRefused as exc:
            response = render(
                request,
                "federation/refused.html",
                {"message": exc.message, "code": exc.code, "provider": provider},
                status=403,
            )
            raise ImmediateHttpResponse(response) from None
        if provider is None:  # resolve refuses an unknown provider; this keeps mypy informed
            return
        with transaction.atomic():
            linked_now = not sociallogin.is_existing
            if linked_now:
                # The upstream identity (provider + sub) joins the provisioned account:
                # allauth then signs that account in (never a new one).
                sociallogin.connect(request, user)
            federated_login_record(
                provider=provider,
                user=user,
                uid=sociallogin.account.uid,
                linked_now=linked_now,
                ip_address=ip,
                user_agent=agent,
            )
