from __future__ import annotations

import logging

import requests
from allauth.account.utils import get_next_redirect_url
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from config.logs import kv
from idp.federation.models import IdentityProvider

log = logging.getLogger("connect.federation")


def federation_redirect(request: HttpRequest, federated: IdentityProvider, *, email: str) -> HttpResponseBase:
    """Start the sign-in at the company's IdP through allauth (state, nonce, PKCE),
    from the step-1 POST itself so that no GET can start it (login CSRF).
    ``next`` is kept only when it is a safe local URL; ``login_hint`` (OIDC Core
    §3.1.2.1) spares the person typing their address twice."""
    try:
        return _redirect(request, federated, email=email)
    except (requests.RequestException, ValueError, KeyError) as exc:
        # The company's IdP is down or its discovery document is unusable
        # (OIDC Discovery §4): say so, never a stack trace.
        log.warning(
            "federation.upstream_unreachable", extra=kv(idp=federated.organization_key, error=type(exc).__name__)
        )
        message = _("Your company's sign-in service could not be reached. Please try again in a moment.")
        return render(request, "federation/refused.html", {"message": message, "code": "upstream"}, status=502)


def _redirect(request: HttpRequest, federated: IdentityProvider, *, email: str) -> HttpResponseBase:
    provider = federated.social_app.get_provider(request)
    next_url = get_next_redirect_url(request)
    if federated.social_app.provider == "openid_connect":
        auth_params = {**provider.get_auth_params(), "login_hint": email}
        return provider.redirect(request, process="login", next_url=next_url, auth_params=auth_params)
    # SAML: python3-saml builds and signs the AuthnRequest (SAML Core §3.4.1).
    return provider.redirect(request, process="login", next_url=next_url)
