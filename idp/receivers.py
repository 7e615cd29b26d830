"""Authentication events → audit rows (and their log lines), and the session
consequences of password events. Receivers only call services."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as allauth_signals
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from idp.adapter import audit_request, client_agent, client_ip
from idp.emails import normalize_email
from idp.mfa.policy import SECOND_FACTOR_TYPES
from idp.selectors import account_by_email, email_is_verified
from idp.services import account_sessions_end, account_signed_in, account_verify_email
from idp.sessions import CLIENT_AGENT_KEY, CLIENT_IP_KEY


@receiver(auth_signals.user_logged_in, dispatch_uid="connect.login")
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    ip_address, user_agent = client_ip(request), client_agent(request)
    if request is not None and hasattr(request, "session"):
        # Copied to the session row's columns for the account page's session list.
        request.session[CLIENT_IP_KEY] = ip_address
        request.session[CLIENT_AGENT_KEY] = user_agent
    account_signed_in(user=user, ip_address=ip_address, user_agent=user_agent)


@receiver(auth_signals.user_login_failed, dispatch_uid="connect.login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # ``credentials`` is already cleansed by Django; we keep only the address.
    email = normalize_email(str(credentials.get("email") or credentials.get("username") or ""))

    audit_request(request, event="login.failed", user=account_by_email(email) if email else None, email=email)


@receiver(auth_signals.user_logged_out, dispatch_uid="connect.logout")
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_request(request, event="logout", user=user, email=user.email)


@receiver(allauth_signals.password_reset, dispatch_uid="connect.password_reset")
def on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_request(request, event="password.reset_done", user=user, email=user.email)
    # The reset link reached the account's own address: that proves the person reads
    # it (an account an administrator created has it unverified until now), so the
    # login that follows (ACCOUNT_LOGIN_ON_PASSWORD_RESET) needs no second mail.
    if not email_is_verified(user):
        account_verify_email(user=user, email=user.email, actor=user)
    # Whoever asked for the reset may have been in someone else's session: end them all.
    account_sessions_end(user=user, reason="password_reset")


@receiver(allauth_signals.password_changed, dispatch_uid="connect.password_changed")
@receiver(allauth_signals.password_set, dispatch_uid="connect.password_set")
def on_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_request(request, event="password.changed", user=user, email=user.email)
    account_sessions_end(user=user, keep_session_key=request.session.session_key, reason="password_changed")


@receiver(allauth_signals.email_confirmed, dispatch_uid="connect.email_confirmed")
def on_email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    audit_request(request, event="email.verified", user=email_address.user, email=email_address.email)


@receiver(mfa_signals.authenticator_added, dispatch_uid="connect.mfa_added")
def on_authenticator_added(sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kw: Any) -> None:
    audit_request(request, event="mfa.added", user=user, type=authenticator.type)
    # Setting up TOTP verified a code from the app, adding a passkey a
    # user-verified signature: the person in this session has just used that
    # factor, so the session's amr/acr say so from now on (idp.authn_methods).
    if (
        request is not None
        and authenticator.type in SECOND_FACTOR_TYPES
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
        and request.user.pk == user.pk
    ):
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="connect.mfa_removed")
def on_authenticator_removed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kw: Any
) -> None:
    audit_request(request, event="mfa.removed", user=user, type=authenticator.type)
