"""Who is this personal identity number? Answered by registered resolvers.

``idp`` must not know HRM, so the app that links people to Connect accounts
(provisioning) registers a resolver at start. A resolver gets the normalised
personal number and answers with the Connect ``sub`` (a UUID), ``None`` when it
knows no one, or raises :class:`AmbiguousIdentity` when it knows several.

On the Connect side the number itself is never stored: only
:func:`personal_number_digest`, a keyed hash, lands in audit rows.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable

from django.conf import settings

IdentityResolver = Callable[[str], uuid.UUID | None]

_resolvers: list[IdentityResolver] = []


class AmbiguousIdentity(Exception):
    """More than one Connect account claims this personal number."""


def register_identity_resolver(resolver: IdentityResolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def resolve_personal_number(personal_number: str) -> uuid.UUID | None:
    found: set[uuid.UUID] = set()
    for resolver in _resolvers:
        subject = resolver(personal_number)
        if subject is not None:
            found.add(subject)
    if len(found) > 1:
        raise AmbiguousIdentity
    return found.pop() if found else None


def personal_number_digest(personal_number: str) -> str:
    """HMAC-SHA256 under a server key: lets audit rows be correlated, never reversed."""
    key = getattr(settings, "CONNECT_PII_KEY", "") or settings.SECRET_KEY
    return hmac.new(f"connect-bankid:{key}".encode(), personal_number.encode(), hashlib.sha256).hexdigest()
