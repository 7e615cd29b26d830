"""Counters of failed sign-ins, per client address and per account, in the
shared cache, without locks.

allauth's own limiter keeps a list of timestamps per key under a cache lock:
four round trips per rate and per step, and under a burst from one office
address the lock wait (1 s) runs out and people are refused although no limit
was reached. Here each attempt *reserves* a slot with an atomic increment
before the password is checked (so parallel requests cannot all slip under the
limit), a successful sign-in gives its slot back (so logins interleaved with a
brute force don't wipe the counter), and a failure keeps it.

The window slides: the count is the current fixed window plus the previous one
weighted by how much of it still overlaps the last ``duration`` seconds. With
Redis, one pipelined round trip reserves for every rate, one gives back.

The rates are allauth's own setting, ACCOUNT_RATE_LIMITS["login_failed"]
(per ``ip`` and per ``key`` = the normalised email), so there is one knob.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

PREFIX = "connect:login-failed"


@dataclass
class Reservation:
    """The slots one attempt holds; ``release`` after a successful sign-in."""

    keys: list[str] = field(default_factory=list)

    def release(self) -> None:
        _decrement(self.keys)
        self.keys = []


@dataclass(frozen=True)
class _Window:
    current: str
    previous: str
    ttl: int
    amount: int
    duration: float
    elapsed: float  # seconds into the current window


def _windows(
    request: HttpRequest, login_key: str, now: float, *, rates: list[Any] | None = None, prefix: str = PREFIX
) -> list[_Window]:
    windows = []
    address = None
    for rate in (
        rates if rates is not None else allauth_ratelimit.get_rates(app="allauth.account", action="login_failed")
    ):
        if rate.per == "ip":
            address = address or allauth_ratelimit.get_ip(request)  # honours ALLAUTH_TRUSTED_PROXY_COUNT
            ident = address
        elif rate.per == "key":
            ident = hashlib.sha256(login_key.encode()).hexdigest()
        else:  # "user": not meaningful before authentication
            continue
        index = int(now // rate.duration)
        base = f"{prefix}:{rate.per}:{rate.amount}:{int(rate.duration)}:{ident}"
        windows.append(
            _Window(
                current=f"{base}:{index}",
                previous=f"{base}:{index - 1}",
                ttl=int(rate.duration * 2) + 1,
                amount=rate.amount,
                duration=rate.duration,
                elapsed=now - index * rate.duration,
            )
        )
    return windows


def reserve(request: HttpRequest, login_key: str, *, now: float | None = None) -> Reservation | int:
    """A reservation, or the seconds to wait when a limit is reached."""
    windows = _windows(request, login_key, time.time() if now is None else now)
    return _settle(windows, _increment(windows))


def _settle(windows: list[_Window], counts: list[tuple[int, int]]) -> Reservation | int:
    wait = 0
    for window, (current, previous) in zip(windows, counts, strict=True):
        weight = 1 - window.elapsed / window.duration
        if previous * weight + current > window.amount:
            wait = max(wait, _wait(window, previous, current - 1))
    reservation = Reservation([w.current for w in windows])
    if wait:
        reservation.release()  # refused attempts don't count
        return wait
    return reservation


def flood_refused(request: HttpRequest, *, login_key: str = "", now: float | None = None) -> bool:
    """Every sign-in POST from one address counts (CONNECT_LOGIN_FLOOD_RATE);
    True past the limit. Same counters as above: one round trip, no lock.

    With ``login_key`` (the normalised email the POST names) that same round
    trip also makes the attempt's ``reserve`` and keeps it on the request for
    the password check (``take_reservation``), which then needs none of its
    own: one round trip per sign-in instead of two. A reservation no password
    check took is given back by ``drop_reservation``."""
    now = time.time() if now is None else now
    rates = allauth_ratelimit.parse_rates(settings.CONNECT_LOGIN_FLOOD_RATE)
    flood = _windows(request, "", now, rates=rates, prefix=f"{PREFIX}:flood")
    failed = _windows(request, login_key, now) if login_key else []
    counts = _increment(flood + failed)
    refused = any(
        previous * (1 - w.elapsed / w.duration) + current > w.amount
        for w, (current, previous) in zip(flood, counts[: len(flood)], strict=True)
    )
    if failed:
        outcome = _settle(failed, counts[len(flood) :])
        if refused:
            if isinstance(outcome, Reservation):
                outcome.release()  # the flood answer is given; no password is checked
        else:
            setattr(request, _PENDING, (login_key, outcome))
    return refused


_PENDING = "_connect_login_reservation"


def take_reservation(request: HttpRequest, login_key: str) -> Reservation | int | None:
    """The outcome ``flood_refused`` reserved for this key on this request, if any."""
    pending = request.__dict__.pop(_PENDING, None)
    if pending is None:
        return None
    key, outcome = pending
    if key == login_key:
        return outcome
    if isinstance(outcome, Reservation):
        outcome.release()  # made for another spelling of the address: the caller reserves anew
    return None


def drop_reservation(request: HttpRequest) -> None:
    """Give back what ``flood_refused`` reserved when no password was checked
    (an incomplete form, a company SSO redirect, an error)."""
    pending = request.__dict__.pop(_PENDING, None)
    if pending is not None and isinstance(pending[1], Reservation):
        pending[1].release()


def forget(request: HttpRequest, login_key: str) -> None:
    """Drop the per-account counts (after a successful password reset)."""
    windows = [w for w in _windows(request, login_key, time.time()) if f"{PREFIX}:key:" in w.current]
    caches["default"].delete_many([k for w in windows for k in (w.current, w.previous)])


def _wait(window: _Window, previous: int, others: int) -> int:
    """Seconds until one more attempt fits, given ``others`` in this window."""
    amount, duration, elapsed = window.amount, window.duration, window.elapsed
    if others <= amount - 1 and previous > 0:
        # The previous window's weight fades within this one.
        seconds = duration * (1 - (amount - 1 - others) / previous) - elapsed
        if seconds <= duration - elapsed:
            return max(1, math.ceil(seconds))
    # Only in the next window, as this one's count fades in turn.
    later = duration * (1 - (amount - 1) / others) if others > amount - 1 else 0
    return max(1, math.ceil(duration - elapsed + later))


def _redis(cache: RedisCache) -> Any:
    # Django's own incr() asks EXISTS first (two round trips); the raw client
    # pipelines. Django stores ints unpickled, so INCR and get() agree.
    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


def _increment(windows: list[_Window]) -> list[tuple[int, int]]:
    """Add one to each current window; (current count, previous count) each."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        pipe = _redis(cache).pipeline(transaction=False)
        for w in windows:
            key = cache.make_and_validate_key(w.current)
            pipe.set(key, 0, nx=True, ex=w.ttl)
            pipe.incr(key)
            pipe.get(cache.make_and_validate_key(w.previous))
        replies = pipe.execute()
        return [(int(replies[i * 3 + 1]), int(replies[i * 3 + 2] or 0)) for i in range(len(windows))]
    counts = []
    for w in windows:
        cache.add(w.current, 0, w.ttl)
        try:
            current = cache.incr(w.current)
        except ValueError:  # evicted between add and incr
            cache.set(w.current, 1, w.ttl)
            current = 1
        counts.append((current, int(cache.get(w.previous, 0))))
    return counts


def _decrement(keys: list[str]) -> None:
    cache = caches["default"]
    if not keys:
        return
    if isinstance(cache, RedisCache):
        pipe = _redis(cache).pipeline(transaction=False)
        for key in keys:
            pipe.decr(cache.make_and_validate_key(key))
        pipe.execute()
        return
    for key in keys:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(key)
