"""The BankID RP API v6.0, simulated: orders, their states, and BankID's error bodies.

For development and tests only. The transport (HTTPS with client certificates,
or the in-process Django mount in development) is separate; both hand the
method name and JSON body to :meth:`Simulator.handle`.

Each new order plays the current *scenario*, set through the control call
``POST /sim/scenario`` ``{"personalNumber": ..., "outcome": ..., "pendingCollects": n}``:
the first collects answer ``pending`` (``outstandingTransaction``, then
``userSign``), then the outcome: ``complete`` with completionData for the
personal number, or ``failed`` with ``userCancel``, ``expiredTransaction``,
``startFailed``, ``certificateErr``… An outcome that is an error code
(``alreadyInProgress``, ``internalError``, ``maintenance``…) makes ``auth`` fail.
"""

from __future__ import annotations

import base64
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

# Anna Andersson of Acme AB in the demo data (config/demo.py), once she is provisioned.
DEFAULT_PERSONAL_NUMBER = "197001011001"
_FAILED_HINTS = {"userCancel", "expiredTransaction", "startFailed", "certificateErr", "cancelled", "userDeclinedCall"}
_AUTH_ERRORS = {
    "alreadyInProgress": 400,
    "invalidParameters": 400,
    "unauthorized": 401,
    "requestTimeout": 408,
    "internalError": 500,
    "maintenance": 503,
}

OUTCOMES = ("complete", *sorted(_FAILED_HINTS), "pending", *sorted(_AUTH_ERRORS))


@dataclass
class Scenario:
    personal_number: str = DEFAULT_PERSONAL_NUMBER
    outcome: str = "complete"
    pending_collects: int = 2
    given_name: str = "Test"
    surname: str = "Testsson"


@dataclass
class SimOrder:
    order_ref: str
    qr_start_token: str
    qr_start_secret: str
    auto_start_token: str
    end_user_ip: str
    scenario: Scenario
    collects: int = 0
    cancelled: bool = False
    user_visible_data: str = ""


@dataclass
class Simulator:
    scenario: Scenario = field(default_factory=Scenario)
    orders: dict[str, SimOrder] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict):
            return _error(400, "invalidParameters", "Body must be a JSON object")
        routes = {
            "/rp/v6.0/auth": self._auth,
            "/rp/v6.0/collect": self._collect,
            "/rp/v6.0/cancel": self._cancel,
            "/sim/scenario": self._set_scenario,
        }
        route = routes.get(path)
        if route is None:
            return _error(404, "notFound", "No such method")
        with self.lock:
            return route(body)

    def _set_scenario(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.scenario = Scenario(
            personal_number=str(body.get("personalNumber") or DEFAULT_PERSONAL_NUMBER),
            outcome=str(body.get("outcome", "complete")),
            pending_collects=int(body.get("pendingCollects", 2)),
            given_name=str(body.get("givenName", "Test")),
            surname=str(body.get("surname", "Testsson")),
        )
        return 200, {}

    def _auth(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not isinstance(body.get("endUserIp"), str) or not body["endUserIp"]:
            return _error(400, "invalidParameters", "Invalid endUserIp")
        if self.scenario.outcome in _AUTH_ERRORS:
            code = self.scenario.outcome
            return _error(_AUTH_ERRORS[code], code, "Simulated error")
        order = SimOrder(
            order_ref=str(uuid.uuid4()),
            qr_start_token=str(uuid.uuid4()),
            qr_start_secret=str(uuid.uuid4()),
            auto_start_token=str(uuid.uuid4()),
            end_user_ip=body["endUserIp"],
            scenario=self.scenario,
            user_visible_data=str(body.get("userVisibleData", "")),
        )
        self.orders[order.order_ref] = order
        return 200, {
            "orderRef": order.order_ref,
            "autoStartToken": order.auto_start_token,
            "qrStartToken": order.qr_start_token,
            "qrStartSecret": order.qr_start_secret,
        }

    def _collect(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        order = self.orders.get(str(body.get("orderRef", "")))
        if order is None or order.cancelled:
            return _error(400, "invalidParameters", "No such order")
        order.collects += 1
        scenario = order.scenario
        if order.collects <= scenario.pending_collects:
            hint = "outstandingTransaction" if order.collects == 1 else "userSign"
            return 200, {"orderRef": order.order_ref, "status": "pending", "hintCode": hint}
        if scenario.outcome in _FAILED_HINTS:
            return 200, {"orderRef": order.order_ref, "status": "failed", "hintCode": scenario.outcome}
        if scenario.outcome == "pending":  # never progresses: for the time limits
            return 200, {"orderRef": order.order_ref, "status": "pending", "hintCode": "outstandingTransaction"}
        return 200, {
            "orderRef": order.order_ref,
            "status": "complete",
            "completionData": {
                "user": {
                    "personalNumber": scenario.personal_number,
                    "name": f"{scenario.given_name} {scenario.surname}",
                    "givenName": scenario.given_name,
                    "surname": scenario.surname,
                },
                "device": {"ipAddress": order.end_user_ip, "uhi": secrets.token_urlsafe(16)},
                "bankIdIssueDate": "2024-01-01",
                "stepUp": {"mrtd": False},
                "signature": base64.b64encode(b"<simulated-signature/>").decode(),
                "ocspResponse": base64.b64encode(b"simulated-ocsp").decode(),
            },
        }

    def _cancel(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        order = self.orders.get(str(body.get("orderRef", "")))
        if order is None or order.cancelled:
            return _error(400, "invalidParameters", "No such order")
        order.cancelled = True
        return 200, {}


def _error(status: int, code: str, details: str) -> tuple[int, dict[str, Any]]:
    return status, {"errorCode": code, "details": details}
