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
Redis, one script call reserves for every rate, one gives back: a script is one
command to encode and one reply to parse, where a pipeline of the same work was
nine and nine, and it runs atomically on the server.

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


# KEYS: current and previous window of each rate, in pairs; ARGV: each current
# window's time to live. Returns the current and previous count of each pair.
_INCREMENT_LUA = """
local counts = {}
for rate = 1, #ARGV do
    local current, previous = KEYS[2 * rate - 1], KEYS[2 * rate]
    redis.call('SET', current, 0, 'NX', 'EX', ARGV[rate])
    counts[2 * rate - 1] = redis.call('INCR', current)
    counts[2 * rate] = tonumber(redis.call('GET', previous) or 0)
end
return counts
"""

# KEYS: the windows a reservation holds. A window that expired meanwhile is left
# alone: DECR would create it again at -1, with no expiry, and so hand out one
# attempt too many for as long as that key lived.
_DECREMENT_LUA = """
for _, key in ipairs(KEYS) do
    if tonumber(redis.call('GET', key) or 0) > 0 then
        redis.call('DECR', key)
    end
end
return 0
"""

_SCRIPTS: dict[str, Any] = {}


def _run_script(cache: RedisCache, lua: str, keys: list[str], args: list[int]) -> Any:
    # Django's own incr() asks EXISTS first (two round trips); the raw client runs
    # a script by its digest (EVALSHA), loading it once per server. Django stores
    # ints unpickled, so INCR and get() agree.
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    script = _SCRIPTS.get(lua)
    if script is None:
        script = _SCRIPTS[lua] = client.register_script(lua)
    return script(keys=[cache.make_and_validate_key(key) for key in keys], args=args, client=client)


def _increment(windows: list[_Window]) -> list[tuple[int, int]]:
    """Add one to each current window; (current count, previous count) each."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        keys = [key for w in windows for key in (w.current, w.previous)]
        replies = _run_script(cache, _INCREMENT_LUA, keys, [w.ttl for w in windows])
        return [(int(replies[i]), int(replies[i + 1])) for i in range(0, len(replies), 2)]
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
        _run_script(cache, _DECREMENT_LUA, keys, [])
        return
    for key in keys:
        if (cache.get(key) or 0) > 0:  # expired meanwhile: nothing to give back
            with contextlib.suppress(ValueError):
                cache.decr(key)
