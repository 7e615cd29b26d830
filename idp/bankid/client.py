"""A client for the BankID RP API v6.0 (``auth``, ``collect``, ``cancel``).

Every call is a JSON POST to ``{base}/rp/v6.0/<method>`` over mutual TLS: the
relying party proves itself with its certificate (``cert=(cert, key)``) and
trusts only BankID's own CA (``verify=<ca>``). Failures become typed
exceptions carrying BankID's ``errorCode`` so that the caller can pick the
recommended user message; raw exception text never reaches a person.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from config.errors import ApplicationError
from config.logs import kv
from idp.bankid.messages import message_for_error

log = logging.getLogger("connect.bankid")

API_PATH = "/rp/v6.0"


class BankIdError(ApplicationError):
    """BankID refused or could not be reached. ``error_code`` is BankID's errorCode
    (``alreadyInProgress``, ``invalidParameters``, ``internalError``, ``maintenance``,
    ``requestTimeout``, ``unauthorized``, ``notFound``…) or ``transport``."""

    code = "bankid_error"

    def __init__(self, *, error_code: str, details: str = "") -> None:
        super().__init__(message_for_error(error_code), code=f"bankid_{error_code}")
        self.error_code = error_code
        self.details = details


class BankIdApiError(BankIdError):
    """BankID answered with an error body (HTTP 4xx/5xx with ``errorCode``)."""


class BankIdTransportError(BankIdError):
    """No answer: connection refused, TLS handshake failed, or timeout."""


@dataclass(frozen=True)
class AuthOrder:
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str


@dataclass(frozen=True)
class CompletedUser:
    personal_number: str
    name: str
    given_name: str
    surname: str


@dataclass(frozen=True)
class CollectResult:
    order_ref: str
    status: str  # pending | failed | complete
    hint_code: str
    user: CompletedUser | None


class BankIdClient:
    def __init__(
        self,
        *,
        base_url: str,
        cert: tuple[str, str] | None,
        verify: str | bool,
        timeout: float,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.cert = cert
        self.verify = verify
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> BankIdClient:
        cert = (
            (settings.BANKID_CERT_FILE, settings.BANKID_KEY_FILE)
            if settings.BANKID_CERT_FILE and settings.BANKID_KEY_FILE
            else None
        )
        # Without a configured CA only the in-process simulator (plain HTTP in
        # development) is reachable; the system trust store would be wrong for BankID.
        verify: str | bool = settings.BANKID_CA_FILE or True
        return cls(base_url=settings.BANKID_BASE_URL, cert=cert, verify=verify, timeout=settings.BANKID_TIMEOUT_SECONDS)

    def auth(self, *, end_user_ip: str, user_visible_text: str = "") -> AuthOrder:
        payload: dict[str, Any] = {"endUserIp": end_user_ip}
        if user_visible_text:
            # userVisibleData is UTF-8 text, base64 encoded (RP API v6.0 /auth).
            payload["userVisibleData"] = base64.b64encode(user_visible_text.encode()).decode()
        body = self._post("auth", payload)
        try:
            return AuthOrder(
                order_ref=str(body["orderRef"]),
                auto_start_token=str(body["autoStartToken"]),
                qr_start_token=str(body["qrStartToken"]),
                qr_start_secret=str(body["qrStartSecret"]),
            )
        except KeyError:
            log.warning("bankid.response.malformed", extra=kv(method="auth"))
            raise BankIdApiError(error_code="unknown", details="auth response lacks a field") from None

    def collect(self, order_ref: str) -> CollectResult:
        body = self._post("collect", {"orderRef": order_ref})
        status = str(body.get("status", ""))
        if status not in {"pending", "failed", "complete"}:
            raise BankIdApiError(error_code="unknown", details="collect status")
        user = None
        if status == "complete":
            raw = (body.get("completionData") or {}).get("user") or {}
            if not raw.get("personalNumber"):
                raise BankIdApiError(error_code="unknown", details="completionData without personalNumber")
            user = CompletedUser(
                personal_number=str(raw["personalNumber"]),
                name=str(raw.get("name", "")),
                given_name=str(raw.get("givenName", "")),
                surname=str(raw.get("surname", "")),
            )
        return CollectResult(
            order_ref=str(body.get("orderRef", order_ref)),
            status=status,
            hint_code=str(body.get("hintCode", "")),
            user=user,
        )

    def cancel(self, order_ref: str) -> None:
        self._post("cancel", {"orderRef": order_ref})

    def _post(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}{API_PATH}/{method}"
        try:
            response = requests.post(
                url, json=payload, cert=self.cert, verify=self.verify, timeout=self.timeout, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            # Only the exception's class is logged: its text may carry the URL and paths.
            log.warning("bankid.transport.failed", extra=kv(method=method, error=type(exc).__name__))
            raise BankIdTransportError(error_code="transport", details=type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            log.warning("bankid.response.not_json", extra=kv(method=method, http_status=response.status_code))
            raise BankIdApiError(error_code="unknown" if response.ok else _code_for_status(response.status_code))
        if not response.ok:
            error_code = str(body.get("errorCode") or _code_for_status(response.status_code))
            log.info("bankid.api.error", extra=kv(method=method, http_status=response.status_code, error=error_code))
            raise BankIdApiError(error_code=error_code, details=str(body.get("details", ""))[:200])
        return body


def _code_for_status(http_status: int) -> str:
    # RP API v6.0 "Errors": 503 maintenance, 408 requestTimeout, 401/403 unauthorized,
    # 404 notFound, 500 internalError.
    return {
        401: "unauthorized",
        403: "unauthorized",
        404: "notFound",
        408: "requestTimeout",
        500: "internalError",
        503: "maintenance",
    }.get(http_status, "unknown")
