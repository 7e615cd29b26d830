"""BankID login as plain functions: start an order, poll it, cancel it.

Views call these; nothing here needs a request. Collect is polled by the
server (each status poll of the browser makes at most one collect call), with
two limits: an order nobody picks up ends after BANKID_IDLE_SECONDS, and any
order ends after BANKID_ORDER_SECONDS (BankID's own lifetime is ~3 minutes).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.functional import Promise

from config.logs import kv
from idp.audit.services import audit_record
from idp.bankid import messages
from idp.bankid.client import BankIdClient, BankIdError, CollectResult
from idp.bankid.identity import AmbiguousIdentity, personal_number_digest, resolve_personal_number
from idp.bankid.orders import Order, order_forget, order_new, order_save
from idp.bankid.qr import qr_data
from idp.models import User
from idp.selectors import account_by_subject

log = logging.getLogger("connect.bankid")

# Errors after which BankID may well answer the next collect: keep the order.
_TRANSIENT = {"transport", "requestTimeout", "maintenance", "internalError"}
# Hints meaning the app has not picked the order up yet ("no progress").
_WAITING = {"outstandingTransaction", "noClient"}

_CONNECT_OUTCOMES: dict[str, Promise] = {
    "no_account": messages.NO_ACCOUNT,
    "ambiguous": messages.AMBIGUOUS,
    "inactive": messages.INACTIVE,
}


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit row."""

    ip_address: str | None = None
    user_agent: str = ""


NOWHERE = Origin()


@dataclass(frozen=True)
class PollResult:
    status: str  # pending | failed | complete
    hint_code: str
    message: Promise
    user: User | None = None


def bankid_client() -> BankIdClient:
    return BankIdClient.from_settings()


def bankid_login_start(*, end_user_ip: str, next_url: str = "", now: float | None = None) -> Order:
    """Ask BankID for an auth order. Raises BankIdError (with its user message)."""
    now = time.time() if now is None else now
    _throttle_starts(end_user_ip)
    started = bankid_client().auth(end_user_ip=end_user_ip, user_visible_text=settings.BANKID_USER_VISIBLE_TEXT)
    log.info("bankid.order.started", extra=kv(order=started.order_ref))
    return order_new(
        order_ref=started.order_ref,
        auto_start_token=started.auto_start_token,
        qr_start_token=started.qr_start_token,
        qr_start_secret=started.qr_start_secret,
        started_at=now,
        progress_at=now,
        next_url=next_url,
    )


def _throttle_starts(ip: str) -> None:
    # A fixed ten-minute window per address, counted in the shared cache.
    key = f"bankid:starts:{ip}"
    cache.add(key, 0, timeout=600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=600)
        count = 1
    if count > settings.BANKID_STARTS_PER_IP:
        log.info("bankid.start.throttled", extra=kv(ip=ip))
        raise BankIdError(error_code="rateLimited")


def bankid_qr_data(*, order: Order, now: float | None = None) -> str:
    now = time.time() if now is None else now
    return qr_data(
        qr_start_token=order.qr_start_token,
        qr_start_secret=order.qr_start_secret,
        seconds=max(0, int(now - order.started_at)),
    )


def bankid_result(order: Order, *, autostart: bool = False) -> PollResult:
    """The order's last known state, as a person should read it."""
    if order.status == "pending":
        return PollResult(
            "pending", order.hint_code, messages.message_for_pending(order.hint_code, autostart=autostart)
        )
    if order.status == "complete":
        return PollResult("complete", "", messages.RFA21, account_by_subject(order.user_id))
    if order.outcome in _CONNECT_OUTCOMES:
        return PollResult("failed", order.outcome, _CONNECT_OUTCOMES[order.outcome])
    if order.hint_code:
        return PollResult("failed", order.hint_code, messages.message_for_failed(order.hint_code))
    return PollResult("failed", order.outcome, messages.message_for_error(order.outcome))


def bankid_login_poll(
    *,
    order: Order,
    origin: Origin = NOWHERE,
    autostart: bool = False,
    now: float | None = None,
) -> PollResult:
    """Collect once (if the order is still open) and return the new state."""
    if order.status != "pending":
        return bankid_result(order, autostart=autostart)
    now = time.time() if now is None else now

    transient = ""
    try:
        collected: CollectResult | None = bankid_client().collect(order.order_ref)
    except BankIdError as exc:
        if exc.error_code not in _TRANSIENT:
            return _fail(order, hint_code="", outcome=exc.error_code, origin=origin)
        collected, transient = (
            None,
            exc.error_code,
        )  # BankID may well answer the next collect; the limits below still apply

    if collected is None or collected.status == "pending":
        if collected is not None and collected.hint_code != order.hint_code:
            order.hint_code = collected.hint_code
            order.progress_at = now
        # Collected first, limits second: an answer that arrives at the last second still counts.
        too_old = now - order.started_at > settings.BANKID_ORDER_SECONDS
        idle = order.hint_code in _WAITING and now - order.progress_at > settings.BANKID_IDLE_SECONDS
        if too_old or idle:
            _cancel_quietly(order)
            # Never picked up → startFailed (RFA17, "failed to scan the QR code"); else expired (RFA8).
            hint = "startFailed" if order.hint_code in _WAITING else "expiredTransaction"
            return _fail(order, hint_code=hint, outcome="timeout", origin=origin)
        order_save(order)
        if collected is None:
            return PollResult("pending", order.hint_code, messages.message_for_error(transient))
        return bankid_result(order, autostart=autostart)
    if collected.status == "failed":
        return _fail(order, hint_code=collected.hint_code, outcome=collected.hint_code, origin=origin)

    assert collected.user is not None  # the client guarantees it for "complete"  # noqa: S101
    digest = personal_number_digest(collected.user.personal_number)
    try:
        subject = resolve_personal_number(collected.user.personal_number)
    except AmbiguousIdentity:
        return _fail(order, hint_code="", outcome="ambiguous", pnr_digest=digest, origin=origin)
    user = account_by_subject(str(subject)) if subject else None
    if user is None:
        return _fail(order, hint_code="", outcome="no_account", pnr_digest=digest, origin=origin)
    if not user.is_active:
        return _fail(order, hint_code="", outcome="inactive", pnr_digest=digest, user=user, origin=origin)
    with transaction.atomic():
        audit_record(
            event="bankid.login.succeeded",
            user=user,
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
            pnr_digest=digest,
        )
    order.status, order.hint_code, order.user_id = "complete", "", str(user.pk)
    order_save(order)
    return PollResult("complete", "", messages.RFA21, user)


def bankid_login_cancel(*, order: Order, reason: str = "user_abort", origin: Origin = NOWHERE) -> None:
    """The person gave up: cancel at BankID (best effort) and forget the order."""
    if order.status == "pending":
        _cancel_quietly(order)
        with transaction.atomic():
            audit_record(
                event="bankid.login.failed", hint_code="cancelled", reason=reason, ip_address=origin.ip_address,
                user_agent=origin.user_agent,
            )  # fmt: skip
    order_forget(order.handle)


def _cancel_quietly(order: Order) -> None:
    try:
        bankid_client().cancel(order.order_ref)
    except BankIdError as exc:
        # The order may already be gone at BankID; nothing for the person to do.
        log.info("bankid.cancel.failed", extra=kv(order=order.order_ref, error=exc.error_code))


def _fail(
    order: Order,
    *,
    hint_code: str,
    outcome: str,
    origin: Origin,
    user: User | None = None,
    pnr_digest: str = "",
) -> PollResult:
    order.status, order.hint_code, order.outcome = "failed", hint_code, outcome
    order_save(order)
    data: dict[str, Any] = {"hint_code": hint_code, "reason": outcome}
    if pnr_digest:
        data["pnr_digest"] = pnr_digest
    with transaction.atomic():
        audit_record(
            event="bankid.login.failed",
            user=user,
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
            **data,
        )
    return bankid_result(order)
