"""The sliding window of idp.throttle, driven through its clock seam (``now``)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from idp import throttle

WINDOW = 300  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per account


def attempt(at: float, key: str = "ada@example.com", ip: str = "192.0.2.50") -> throttle.Reservation | int:
    request = RequestFactory().post("/accounts/login/password/", REMOTE_ADDR=ip)
    return throttle.reserve(request, key, now=at)


def start_of_window(number: int) -> float:
    return float(WINDOW * (6_000_000 + number))


def test_failures_just_before_a_window_boundary_still_count_after_it() -> None:
    for second in range(5):
        assert isinstance(attempt(start_of_window(1) - 5 + second, ip=f"192.0.2.{second}"), throttle.Reservation)
    # Two seconds into the next window the old failures weigh almost fully; at
    # 60 s in they weigh 4/5, leaving room for one: 58 s to wait.
    wait = attempt(start_of_window(1) + 2, ip="192.0.2.9")
    assert wait == 58
    # Once enough of them has faded, one more attempt fits.
    assert isinstance(attempt(start_of_window(1) + 59, ip="192.0.2.10"), int)
    assert isinstance(attempt(start_of_window(1) + 60, ip="192.0.2.11"), throttle.Reservation)


def test_a_released_reservation_frees_its_slot() -> None:
    at = start_of_window(5) + 10
    for number in range(10):
        held = attempt(at, ip=f"192.0.2.{number}")
        assert isinstance(held, throttle.Reservation)
        held.release()  # a successful sign-in
    assert isinstance(attempt(at), throttle.Reservation)


@pytest.mark.parametrize("variant", ["ada@example.com", "bob@example.com"])
def test_accounts_are_counted_apart(variant: str) -> None:
    at = start_of_window(9) + 1
    for number in range(5):
        attempt(at, key="carl@example.com", ip=f"192.0.2.{number}")
    assert isinstance(attempt(at, key=variant, ip="192.0.2.77"), throttle.Reservation)
    assert isinstance(attempt(at, key="carl@example.com", ip="192.0.2.78"), int)


def test_giving_back_a_slot_whose_window_expired_meanwhile_creates_no_negative_count() -> None:
    # A sign-in that outlives its window (a slow second factor) gives its slot back
    # after the counter expired: that must not leave a count of -1 behind, which
    # would allow one guess too many and never expire.
    at = start_of_window(13) + 1
    held = attempt(at, ip="192.0.2.90")
    assert isinstance(held, throttle.Reservation)
    keys = list(held.keys)
    caches["default"].delete_many(keys)  # the windows expire
    held.release()
    assert [caches["default"].get(key) for key in keys] == [None] * len(keys)
    for number in range(5):
        assert isinstance(attempt(at, ip=f"192.0.2.{100 + number}"), throttle.Reservation)
    assert isinstance(attempt(at, ip="192.0.2.110"), int)  # the sixth is refused, not let through
