"""Reads of Connect accounts, for idp's own views and for other apps (provisioning)."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from idp.emails import normalize_email
from idp.models import User


def account_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


def account_by_subject(subject: str) -> User | None:
    try:
        return User.objects.filter(pk=subject).first()
    except (ValueError, TypeError):  # not a UUID
        return None


def account_by_verified_email(email: str) -> User | None:
    """The account that has proven it owns ``email``, if any."""
    address = (
        EmailAddress.objects.select_related("user").filter(email__iexact=normalize_email(email), verified=True).first()
    )
    return address.user if address is not None else None


def email_is_verified(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
