"""Writes to Connect accounts. Keyword-only, typed, and free of requests, so the
login pages, the admin, management commands, provisioning and Celery all share them."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from idp.audit.services import audit_event, audit_log, audit_record
from idp.emails import normalize_email
from idp.models import ConnectSession, User
from idp.signals import account_sessions_ended
from idp.signin import stamp_and_record


class AccountError(ApplicationError):
    code = "account_error"


class EmailTaken(AccountError):
    code = "email_taken"


@transaction.atomic
def account_create(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    given_name: str = "",
    family_name: str = "",
    language: str = "sv",
    email_verified: bool = False,
    actor: User | None = None,
) -> User:
    """A new active account with ``email`` as its primary address.

    ``password=None`` gives an account without a usable password (it signs in
    after "Forgot your password?", a passkey, BankID or company SSO).
    """
    normalized = normalize_email(email)
    if password is not None:
        password_validation.validate_password(password, User(email=normalized, display_name=display_name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                normalized,
                password,
                display_name=display_name,
                given_name=given_name,
                family_name=family_name,
                preferred_language=language,
            )
    except IntegrityError:
        raise EmailTaken(_("An account with this email address already exists.")) from None
    EmailAddress.objects.create(user=user, email=normalized, primary=True, verified=email_verified)
    audit_record(event="account.created", user=user, actor=actor, email_verified=email_verified)
    return user


def account_signed_in(*, user: User, ip_address: str | None, user_agent: str) -> None:
    """Stamp ``last_login`` and record the sign-in, in one statement (idp.signin).

    Django's own ``update_last_login`` receiver (a model save, in a commit of its
    own) is disconnected for this (idp.apps). ``last_login`` still changes at every
    sign-in, so reset links sent before it stop working (Django's token generator
    hashes it in)."""
    row = audit_event(
        event="login.succeeded", user=user, email=user.email, ip_address=ip_address, user_agent=user_agent
    )
    stamp_and_record(user=user, row=row)
    audit_log(row)


@transaction.atomic
def account_verify_email(*, user: User, email: str, actor: User | None = None) -> None:
    """Record that the person behind ``user`` proved they read mail at ``email``."""
    normalized = normalize_email(email)
    if normalized != user.email:
        raise AccountError(_("This address is not the account's address."))
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=normalized, defaults={"primary": True, "verified": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    audit_record(event="email.verified", user=user, actor=actor, email=normalized)


@transaction.atomic
def account_set_password(*, user: User, password: str, actor: User | None = None) -> None:
    """Validate and set a new password; raises Django's ValidationError with the reasons."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(event="password.set", user=user, actor=actor)


def account_sessions_end(*, user: User, keep_session_key: str | None = None, reason: str = "ended") -> int:
    """End the person's Connect sessions (all but ``keep_session_key``) at once.

    Sessions are rows with an owner (idp.sessions), so this is one DELETE; a
    request still in flight on an ended session cannot write it back. Receivers
    of ``account_sessions_ended`` (e.g. OIDC refresh tokens) end what hangs off them.
    """
    rows = ConnectSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    with transaction.atomic():
        ended, _by_model = rows.delete()
        audit_record(event="sessions.ended", user=user, reason=reason, ended=ended)
    account_sessions_ended.send(sender=User, user=user, keep_session_key=keep_session_key, reason=reason)
    return ended


@transaction.atomic
def account_session_end(*, user: User, handle: str) -> bool:
    """End one of the person's own sessions, named by its public handle (never the key)."""
    try:
        ended, _by_model = ConnectSession.objects.filter(user=user, handle=handle).delete()
    except (ValueError, ValidationError):  # not a UUID
        return False
    if ended:
        audit_record(event="session.ended", user=user, actor=user)
    return ended > 0


@transaction.atomic
def account_profile_update(*, user: User, display_name: str, language: str, actor: User | None = None) -> User:
    """Change what a person may change about themselves: name and language."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise AccountError(_("Choose one of the offered languages."))
    user.display_name = display_name.strip()[:150]
    user.preferred_language = language
    user.save(update_fields=["display_name", "preferred_language"])
    audit_record(event="account.profile_changed", user=user, actor=actor or user)
    return user


@transaction.atomic
def account_deactivate(*, user: User, actor: User | None = None) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    account_sessions_end(user=user, reason="deactivated")
    audit_record(event="account.deactivated", user=user, actor=actor)


@transaction.atomic
def account_activate(*, user: User, actor: User | None = None) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    audit_record(event="account.activated", user=user, actor=actor)
