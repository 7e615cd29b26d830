"""A new, changed or reset password ends every OAuth token of the account
(SECURITY.md: refresh tokens die when the password changes or is reset).

allauth announces these through its signals; the receivers only call the service.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals

from idp.oidc.consents import tokens_revoke_for_user


def _revoke(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        tokens_revoke_for_user(user=user)


def connect() -> None:
    for signal in (signals.password_changed, signals.password_set, signals.password_reset):
        signal.connect(_revoke, dispatch_uid=f"idp.oidc.revoke_tokens.{id(signal)}")
