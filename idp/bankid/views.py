"""BankID login pages: start (QR + autostart link), status polling, QR image, cancel.

Thin views: each parses the request, calls one service in idp.bankid.services,
and renders. The browser holds only a session handle for the order; the QR
secret and the personal number never leave the server.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from idp.adapter import client_ip
from idp.bankid import messages
from idp.bankid.client import BankIdError
from idp.bankid.orders import Order, order_forget, order_load
from idp.bankid.qr import autostart_url, qr_svg
from idp.bankid.services import (
    Origin,
    PollResult,
    bankid_login_cancel,
    bankid_login_poll,
    bankid_login_start,
    bankid_qr_data,
)

SESSION_KEY = "bankid_order"


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _origin(request: HttpRequest) -> Origin:
    # The same client address as login throttling: X-Forwarded-For only as far as
    # CONNECT_TRUSTED_PROXY_COUNT proxies vouch for it (BankID's endUserIp and the
    # per-address cap on orders must not be forgeable, nor be the proxy's own address).
    return Origin(ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _current_order(request: HttpRequest) -> Order | None:
    return order_load(request.session.get(SESSION_KEY, ""))


def _start_url(next_url: str) -> str:
    url = reverse("bankid:start")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _finish_login(request: HttpRequest, order: Order, result: PollResult) -> str:
    """Sign the person in and note how, for the ID token's amr/acr (allauth's method log)."""
    assert result.user is not None  # noqa: S101
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, result.user, method="bankid")
    request.session.pop(SESSION_KEY, None)
    order_forget(order.handle)
    return order.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def _page(
    request: HttpRequest, *, order: Order | None, result: PollResult | None, error: object = None
) -> HttpResponse:
    next_url = order.next_url if order else _safe_next(request, request.GET.get("next", ""))
    context = {
        "order": order,
        "result": result,
        "error": error if error is not None else (result.message if result and result.status == "failed" else None),
        "message": result.message if result and result.status == "pending" else messages.RFA1,
        "autostart_url": autostart_url(order.auto_start_token) if order else "",
        "qr_svg": qr_svg(bankid_qr_data(order=order)) if order and order.status == "pending" else "",
        "restart_url": _start_url(next_url),
        "next": next_url,
    }
    return render(request, "idp_bankid/login.html", context, status=200)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """GET starts a fresh order; POST (the no-JS "update" button) collects once and re-renders."""
    if not settings.BANKID_ENABLED:
        return _page(request, order=None, result=None, error=messages.DISABLED)
    if request.method == "POST":
        order = _current_order(request)
        if order is None:
            return _page(request, order=None, result=None, error=messages.NO_ORDER)
        result = bankid_login_poll(order=order, origin=_origin(request))
        if result.status == "complete":
            return redirect(_finish_login(request, order, result))
        return _page(request, order=order, result=result)
    previous = _current_order(request)
    if previous is not None:
        bankid_login_cancel(order=previous, reason="restarted", origin=_origin(request))
    try:
        order = bankid_login_start(
            end_user_ip=_origin(request).ip_address or "127.0.0.1",
            next_url=_safe_next(request, request.GET.get("next", "")),
        )
    except BankIdError as exc:
        return _page(request, order=None, result=None, error=exc.message)
    request.session[SESSION_KEY] = order.handle
    return _page(request, order=order, result=None)


@never_cache
@require_POST
def status(request: HttpRequest) -> JsonResponse:
    """Polled every second by static/js/bankid.js: one collect, the message, the next QR."""
    order = _current_order(request)
    if order is None:
        return JsonResponse({"status": "failed", "hint_code": "", "message": str(messages.NO_ORDER)})
    result = bankid_login_poll(order=order, autostart=request.POST.get("autostart") == "1", origin=_origin(request))
    if result.status == "complete":
        return JsonResponse({"status": "complete", "redirect": _finish_login(request, order, result)})
    body = {"status": result.status, "hint_code": result.hint_code, "message": str(result.message)}
    if result.status == "pending":
        body["qr"] = bankid_qr_data(order=order)
    return JsonResponse(body)


@never_cache
@require_GET
def qr(request: HttpRequest) -> HttpResponse:
    """The QR code for this second, as SVG (recomputed on every request)."""
    order = _current_order(request)
    if order is None or order.status != "pending":
        raise Http404
    return HttpResponse(qr_svg(bankid_qr_data(order=order)), content_type="image/svg+xml")


@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    order = _current_order(request)
    next_url = order.next_url if order else ""
    if order is not None:
        bankid_login_cancel(order=order, origin=_origin(request))
    request.session.pop(SESSION_KEY, None)
    flash.info(request, messages.RFA6)
    login_url = reverse(settings.LOGIN_URL)
    return redirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
