"""Which email domains a company IdP signs in: read on every sign-in, changed a
few times a year. Every worker process keeps a snapshot of the map, checked
against a generation token in the shared cache on each use: one cache GET
instead of a database query with a join (bench/bench_login.py), and a change
applies in every process at once.

Any save or delete of an IdentityProvider or FederatedDomain draws a new token
(idp.federation.receivers), at once and again after commit: the second covers a
reader that loaded the old rows while the change was still uncommitted, whose
snapshot then carries the old token. A bulk ``QuerySet.update()`` sends no
signal: call ``domains_changed()`` after one. A snapshot is also never older
than ``MAX_AGE_SECONDS``, which bounds staleness with a per-process cache
(LocMemCache, when no REDIS_URL is set) too.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

GENERATION_KEY = "connect:federation:domains-generation"
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class _Snapshot:
    generation: str
    loaded_at: float
    providers: dict[str, int]  # domain → id of its active IdentityProvider


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:  # first use, or the cache was flushed
        fresh = secrets.token_hex(8)
        token = fresh if cache.add(GENERATION_KEY, fresh, timeout=None) else cache.get(GENERATION_KEY, fresh)
    return str(token)


def _load(generation: str) -> _Snapshot:
    from idp.federation.models import FederatedDomain

    rows = FederatedDomain.objects.filter(identity_provider__is_active=True).values_list(
        "domain", "identity_provider_id"
    )
    return _Snapshot(generation=generation, loaded_at=time.monotonic(), providers=dict(rows))


def provider_id_for_domain(domain: str) -> int | None:
    """The id of the active company IdP that owns ``domain`` (normalised), if any."""
    global _snapshot
    generation = _generation()  # read before the rows: a change after this draws a new one
    snapshot = _snapshot
    if snapshot is None or snapshot.generation != generation or time.monotonic() - snapshot.loaded_at > MAX_AGE_SECONDS:
        snapshot = _load(generation)
        with _lock:
            _snapshot = snapshot
    return snapshot.providers.get(domain)


def domains_changed() -> None:
    """Make every process reload the map at its next use."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
