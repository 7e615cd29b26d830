"""Connect's pages around allauth.mfa: the "your company requires a second
factor" page. Adding, using and removing factors are allauth's own views,
restyled by templates/mfa/."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from idp.mfa.middleware import policy_satisfied

NEXT_KEY = "connect_mfa_next"


def _safe(request: HttpRequest, url: str) -> str:
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if url and ok else ""


@never_cache
@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Where the policy holds a person; once they have a second factor, it
    sends them on to where they were going (kept in the session meanwhile,
    because allauth's set-up pages end on their own pages)."""
    requested = _safe(request, request.GET.get("next", ""))
    if requested:
        request.session[NEXT_KEY] = requested
    if policy_satisfied(request):
        target = request.session.pop(NEXT_KEY, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
        return HttpResponseRedirect(target)
    return render(request, "idp/mfa_required.html", {})
