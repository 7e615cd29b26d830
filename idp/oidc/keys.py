"""ID-token signing keys, kept in the database so every process signs with the same key.

Life of a key: ``next`` (published in the JWKS, signs nothing) → ``active``
(signs) → ``retired`` (published until every token it signed has expired) →
deleted. Relying parties cache the JWKS for OIDC_JWKS_MAX_AGE_SECONDS, so a
key is promoted only after it has been published at least that long
(OIDC Core §10.1.1: "the JWK Set ... MUST be made available before use").
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwcrypto import jwk
from oauth2_provider.settings import oauth2_settings

from config.logs import kv
from idp.oidc.models import SigningKey

log = logging.getLogger(__name__)

_cache: dict[str, jwk.JWK] = {}
_cache_lock = Lock()


class LoadedKey:
    def __init__(self, row: SigningKey) -> None:
        self.kid = row.kid
        self.state = row.state
        with _cache_lock:
            key = _cache.get(row.kid)
            if key is None:
                key = jwk.JWK.from_pem(row.private_pem.encode())
                _cache[row.kid] = key
        self.jwk = key


def _overlap() -> timedelta:
    return timedelta(seconds=oauth2_settings.OIDC_JWKS_MAX_AGE_SECONDS)


def _retention() -> timedelta:
    """How long a retired key stays published: its last ID token's lifetime plus
    the JWKS cache time of relying parties."""
    return timedelta(seconds=oauth2_settings.ID_TOKEN_EXPIRE_SECONDS) + _overlap()


def _generate(*, state: str, now: datetime) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = jwk.JWK.from_pem(pem.encode())
    public = json.loads(key.export_public())
    kid = key.thumbprint()
    row = SigningKey.objects.create(
        kid=kid,
        state=state,
        private_pem=pem,
        public_jwk=public,
        created_at=now,
        activated_at=now if state == SigningKey.State.ACTIVE else None,
    )
    log.info("oidc.key.created", extra=kv(kid=kid, state=state))
    return row


def signing_key_active() -> LoadedKey:
    """The key that signs now; created on first use (race-safe across processes)."""
    row = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    if row is None:
        try:
            with transaction.atomic():
                row = _generate(state=SigningKey.State.ACTIVE, now=timezone.now())
        except IntegrityError:  # another process created it first
            row = SigningKey.objects.get(state=SigningKey.State.ACTIVE)
    return LoadedKey(row)


def signing_key_by_kid(kid: str) -> LoadedKey | None:
    row = SigningKey.objects.filter(kid=kid).first()
    return LoadedKey(row) if row is not None else None


def published_keys() -> list[dict[str, Any]]:
    """Every key in use or about to be: the JWKS (RFC 7517 §5)."""
    signing_key_active()
    rows = SigningKey.objects.order_by("state", "-created_at")
    return [{**row.public_jwk, "kid": row.kid, "alg": "RS256", "use": "sig"} for row in rows]


def keys_rotate(*, now: datetime | None = None, force: bool = False) -> dict[str, Any]:
    """One rotation step, safe to run at any time and from many places.

    - deletes retired keys whose tokens have all expired;
    - publishes a ``next`` key if there is none;
    - promotes ``next`` to ``active`` (retiring the current key) when the active
      key is older than OIDC_KEY_ROTATION_DAYS, or with ``force``, but only
      once ``next`` has been published for the JWKS cache time. ``force`` with a
      key published too recently refuses; that is what overlap means.
    """
    now = now or timezone.now()
    signing_key_active()
    result: dict[str, Any] = {"deleted": [], "published": None, "promoted": None, "retired": None}
    with transaction.atomic():
        keys = list(SigningKey.objects.select_for_update().order_by("created_at"))
        for row in keys:
            if row.state == SigningKey.State.RETIRED and row.retired_at and row.retired_at + _retention() <= now:
                row.delete()
                result["deleted"].append(row.kid)
                log.info("oidc.key.deleted", extra=kv(kid=row.kid))
        active = next(row for row in keys if row.state == SigningKey.State.ACTIVE)
        upcoming = next((row for row in keys if row.state == SigningKey.State.NEXT), None)
        if upcoming is None:
            upcoming = _generate(state=SigningKey.State.NEXT, now=now)
            result["published"] = upcoming.kid
        due = (
            force or (active.activated_at or active.created_at) + timedelta(days=settings.OIDC_KEY_ROTATION_DAYS) <= now
        )
        if due and upcoming.created_at + _overlap() <= now:
            SigningKey.objects.filter(pk=active.pk).update(state=SigningKey.State.RETIRED, retired_at=now)
            SigningKey.objects.filter(pk=upcoming.pk).update(state=SigningKey.State.ACTIVE, activated_at=now)
            result["promoted"], result["retired"] = upcoming.kid, active.kid
            log.info("oidc.key.rotated", extra=kv(active=upcoming.kid, retired=active.kid))
        elif force:
            result["waiting_until"] = (upcoming.created_at + _overlap()).isoformat()
    return result


def keys_list() -> list[dict[str, Any]]:
    return [
        {
            "kid": row.kid,
            "state": row.state,
            "created_at": row.created_at.isoformat(),
            "activated_at": row.activated_at.isoformat() if row.activated_at else None,
            "retired_at": row.retired_at.isoformat() if row.retired_at else None,
        }
        for row in SigningKey.objects.order_by("created_at")
    ]
