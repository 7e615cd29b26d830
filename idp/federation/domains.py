"""Which email domains a company IdP signs in: read on every sign-in, changed a
few times a year. Every worker process keeps a snapshot of the map and checks
it against a generation token in the shared cache, at most once a second
(``CHECK_INTERVAL_SECONDS``): instead of a database query with a join on every
sign-in, a busy process makes one cache GET a second, and an idle one one per
sign-in (bench/bench_login.py). A change applies at once in the process that
made it and within that second in every other.

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
from dataclasses import dataclass, replace

from django.core.cache import cache

GENERATION_KEY = "connect:federation:domains-generation"
CHECK_INTERVAL_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0
_clock = time.monotonic  # the tests' seam


@dataclass(frozen=True)
class _Snapshot:
    generation: str
    loaded_at: float
    checked_at: float
    providers: dict[str, int]  # domain → id of its active IdentityProvider


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:  # first use, or the cache was flushed
        fresh = secrets.token_hex(8)
        token = fresh if cache.add(GENERATION_KEY, fresh, timeout=None) else cache.get(GENERATION_KEY, fresh)
    return str(token)


def _load(generation: str, now: float) -> _Snapshot:
    from idp.federation.models import FederatedDomain

    rows = FederatedDomain.objects.filter(identity_provider__is_active=True).values_list(
        "domain", "identity_provider_id"
    )
    return _Snapshot(generation=generation, loaded_at=now, checked_at=now, providers=dict(rows))


def provider_id_for_domain(domain: str) -> int | None:
    """The id of the active company IdP that owns ``domain`` (normalised), if any."""
    global _snapshot
    now = _clock()
    snapshot = _snapshot
    if snapshot is None or now - snapshot.checked_at >= CHECK_INTERVAL_SECONDS:
        generation = _generation()  # read before the rows: a change after this draws a new one
        if snapshot is None or snapshot.generation != generation or now - snapshot.loaded_at > MAX_AGE_SECONDS:
            snapshot = _load(generation, now)
        else:
            snapshot = replace(snapshot, checked_at=now)
        with _lock:
            _snapshot = snapshot
    return snapshot.providers.get(domain)


def domains_changed() -> None:
    """Make this process reload the map at its next use, and every other one
    within ``CHECK_INTERVAL_SECONDS``."""
    global _snapshot
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    with _lock:
        _snapshot = None
