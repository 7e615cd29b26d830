"""Who must sign in with a second factor.

The rule belongs to the person's company (an HRM customer), which idp knows
nothing about (idp never imports hrm or provisioning). So the bridge registers
a provider here at start-up (provisioning/apps.py), and Connect enforces the
answer: see ``idp.mfa.middleware``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator

from config.logs import kv

log = logging.getLogger(__name__)

MfaPolicy = Callable[[Any], bool]
_policies: list[MfaPolicy] = []

# A second factor a person can use at password sign-in (a recovery code alone is a fallback, not a factor).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def register_mfa_policy(policy: MfaPolicy) -> None:
    """``policy(user) -> bool``: True when that person must use a second factor."""
    if policy not in _policies:
        _policies.append(policy)


def unregister_mfa_policy(policy: MfaPolicy) -> None:
    if policy in _policies:
        _policies.remove(policy)


def mfa_required(*, user: Any) -> bool:
    for policy in _policies:
        try:
            if policy(user):
                return True
        except Exception:
            # Fail closed: when the company's rule cannot be read, ask for the
            # second factor rather than let a password alone through.
            log.exception("mfa.policy.failed", extra=kv(policy=getattr(policy, "__name__", "?")))
            return True
    return False


def has_second_factor(*, user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
