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


def account_sessions(*, user: User, current_key: str | None = None) -> list[dict[str, object]]:
    """The person's live sessions, newest first, the current one marked."""
    from django.utils import timezone

    from idp.models import ConnectSession

    rows = ConnectSession.objects.filter(user=user, expire_date__gt=timezone.now()).order_by("-last_seen")
    return [
        {
            "handle": row.handle,
            "created_at": row.created_at,
            "last_seen": row.last_seen,
            "ip_address": row.ip_address,
            "user_agent": row.user_agent,
            "current": row.session_key == current_key,
        }
        for row in rows
    ]


def account_recent_events(*, user: User, limit: int = 10) -> list[object]:
    from idp.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(user=user).order_by("-created_at")[:limit])


def accounts_with_password_count(subjects: object) -> int:
    """How many of the accounts ``subjects`` (ids, or a subquery of them) have a usable
    password. Django marks an unusable one with a leading "!" (set_unusable_password)."""
    return User.objects.filter(pk__in=subjects).exclude(password="").exclude(password__startswith="!").count()  # noqa: S106
