"""A BankID order in progress, kept server-side in the shared cache.

The browser's session holds only a random handle; the order (with
``qrStartSecret``) lives in the cache under that handle, shared by every web
process and gone after BankID's order lifetime. Only the status poll writes it.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_PREFIX = "bankid:order:"


@dataclass
class Order:
    handle: str
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str
    started_at: float
    progress_at: float  # when the hint code last changed: the idle limit counts from here
    next_url: str = ""
    status: str = "pending"  # pending | failed | complete
    hint_code: str = "outstandingTransaction"
    outcome: str = ""  # failed: the hint or error code, or Connect's reason (no_account…)
    user_id: str = ""  # complete: the resolved Connect account


def order_new(**fields: object) -> Order:
    order = Order(handle=secrets.token_urlsafe(24), **fields)  # type: ignore[arg-type]
    order_save(order)
    return order


def order_save(order: Order) -> None:
    # Keep the record a little past BankID's lifetime so the final state can be shown.
    cache.set(_PREFIX + order.handle, dataclasses.asdict(order), timeout=settings.BANKID_ORDER_SECONDS + 120)


def order_load(handle: str) -> Order | None:
    if not handle:
        return None
    raw = cache.get(_PREFIX + handle)
    return Order(**raw) if isinstance(raw, dict) else None


def order_forget(handle: str) -> None:
    cache.delete(_PREFIX + handle)
