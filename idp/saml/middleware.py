"""Logout at Connect ends the SAML sessions too (Profiles §4.4).

Django's ``user_logged_out`` signal (sent by allauth's logout and by the OIDC
RP-initiated logout alike) notes the SPs of the ending session; this middleware
then sends the browser through /saml/slo/continue/, which tells each SP, and
finally on to where the logout was going anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from idp.saml import slo

SLO_KEY = "saml_slo"


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    key = request.session.session_key or ""
    participants = slo.participants(key) if key else []
    slo.sessions_end(key)
    if participants and not getattr(request, "_saml_slo_started", False):
        request._saml_slo_pending = participants  # type: ignore[attr-defined]


class SingleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "_saml_slo_pending", None)
        if pending and response.status_code in (301, 302, 303):
            # The session was flushed by logout; this is the new, anonymous one.
            request.session[SLO_KEY] = slo.state_new(initiator=None, others=pending, after=response["Location"])
            return HttpResponseRedirect(reverse("idp_saml:slo_continue"))
        return response
