"""Who is the person an upstream company IdP vouches for? Connect's rules, without a request.

An upstream is trusted for the domains its company owns and nothing else:
- the address must be verified upstream (OIDC Core §5.1 ``email_verified``; a
  missing claim is not a yes);
- the address must be in one of *this* provider's domains, so company A's IdP
  can never sign in someone at company B;
- the address must already belong to a provisioned Connect account whose address
  is verified here too (or, provisioned by an administrator, has no password
  yet: then upstream's verification verifies it): no account is created from upstream (no auto-signup,
  no duplicates), an unknown person is told to ask their administrator;
- a federated identity (issuer + ``sub``) once linked to an account stays with
  that account: if upstream later asserts another person's address for it, refuse.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from config.logs import kv
from idp.audit.services import audit_record
from idp.emails import normalize_email
from idp.federation.models import IdentityProvider
from idp.models import User
from idp.selectors import account_by_email, account_by_verified_email, email_is_verified
from idp.services import account_verify_email

log = logging.getLogger("connect.federation")


class FederationRefused(ApplicationError):
    """The upstream's answer does not identify a Connect account we may sign in."""


_MESSAGES = {
    "unknown_provider": _("This company sign-in is not set up in Connect."),
    "email_missing": _("Your company account did not tell us your email address."),
    "email_unverified": _("Your company account has not verified your email address."),
    "foreign_domain": _("Your company account cannot sign in with an address outside your company."),
    "unknown_person": _("You don't have a Connect account yet. Ask your administrator to give you access."),
    "inactive": _("Your Connect account is deactivated. Ask your administrator."),
    "other_account": _("This company account is already linked to another Connect account."),
}


def _refuse(
    code: str, *, provider: IdentityProvider | None, email: str, ip_address: str | None, user_agent: str
) -> FederationRefused:
    audit_record(
        event="federation.refused",
        email=email,
        ip_address=ip_address,
        user_agent=user_agent,
        reason=code,
        identity_provider=provider.organization_key if provider else "",
    )
    return FederationRefused(str(_MESSAGES[code]), code=code)


def claims_email(claims: dict[str, Any]) -> tuple[str, bool]:
    """The asserted address and whether upstream says it verified it. Only a JSON
    ``true`` counts (OIDC Core §5.1: ``email_verified`` is a boolean)."""
    email = claims.get("email")
    return (normalize_email(email) if isinstance(email, str) else ""), claims.get("email_verified") is True


def _refusal(
    *, provider: IdentityProvider | None, email: str, email_verified: bool, user: User | None, linked_user: User | None
) -> str | None:
    if provider is None or not provider.is_active:
        return "unknown_provider"
    if not email:
        return "email_missing"
    if not email_verified:
        return "email_unverified"
    if not provider.owns(email):
        return "foreign_domain"
    if user is None:
        return "unknown_person"
    if not user.is_active:
        return "inactive"
    if linked_user is not None and linked_user.pk != user.pk:
        return "other_account"
    return None


def federated_account_resolve(
    *,
    provider: IdentityProvider | None,
    email: str,
    email_verified: bool,
    linked_user: User | None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> User:
    """The Connect account this upstream login signs in, or :class:`FederationRefused`
    (with an audit row saying why)."""
    user = account_by_verified_email(email) if email else None
    if user is None and email:
        candidate = account_by_email(email)
        # An account an administrator provisioned (address not verified yet, no
        # password: nobody else holds a credential for it). The company's IdP
        # verifying the address, checked below, is the proof of control a mail
        # link would have been; federated_login_record then marks it verified.
        if candidate is not None and not candidate.has_usable_password():
            user = candidate
    code = _refusal(provider=provider, email=email, email_verified=email_verified, user=user, linked_user=linked_user)
    if code is not None or user is None or provider is None:
        raise _refuse(
            code or "unknown_person", provider=provider, email=email, ip_address=ip_address, user_agent=user_agent
        )
    log.info("federation.matched", extra=kv(user=user.pk, identity_provider=provider.organization_key))
    return user


@transaction.atomic
def federated_login_record(
    *, provider: IdentityProvider, user: User, uid: str, linked_now: bool, ip_address: str | None, user_agent: str
) -> None:
    """Audit a federated sign-in (and the first link of the upstream identity)."""
    if not email_is_verified(user):
        account_verify_email(user=user, email=user.email)
    if linked_now:
        audit_record(
            event="federation.linked",
            user=user,
            email=user.email,
            ip_address=ip_address,
            user_agent=user_agent,
            identity_provider=provider.organization_key,
            uid=uid,
        )
    audit_record(
        event="federation.login",
        user=user,
        email=user.email,
        ip_address=ip_address,
        user_agent=user_agent,
        identity_provider=provider.organization_key,
    )


def identity_provider_audit(*, provider: IdentityProvider, actor: User | None, action: str) -> None:
    """Audit a change to whom an upstream may vouch for (SECURITY.md, Admin). The admin
    calls it inside its own transaction, after the domains are saved."""
    audit_record(
        event=f"federation.provider_{action}",
        actor=actor,
        identity_provider=provider.organization_key,
        social_app=provider.social_app_id,
        active=provider.is_active,
        domains=sorted(provider.domains.values_list("domain", flat=True)) if action != "deleted" else [],
    )
