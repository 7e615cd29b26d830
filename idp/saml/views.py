"""Thin views over idp.saml services: metadata, SSO on both bindings, the
continuation after login, IdP-initiated sign-on and single logout."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from config.logs import kv
from idp.oidc.clients import post_logout_redirect_registered
from idp.saml import slo, sso
from idp.saml.checks import AuthnRequestInfo, query_params
from idp.saml.errors import SamlRequestError
from idp.saml.keys import certificate_body, signing_keys_published
from idp.saml.models import NAMEID_FORMATS, ServiceProvider
from idp.saml.server import endpoint

log = logging.getLogger(__name__)

EXPIRED = gettext_noop("This sign-in request has expired or was already used. Please start again from the application.")
PENDING_KEY = "saml_pending"
MAX_PENDING = 5
AUTH_METHODS_KEY = "account_authentication_methods"  # written by allauth at every (re)authentication


def error_page(request: HttpRequest, error: SamlRequestError, status: int = 400) -> HttpResponse:
    log.info("saml.refused", extra=kv(code=error.code, path=request.path))
    return render(request, "idp/saml/error.html", {"message": error.message}, status=status)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """Metadata §2.4.3 (IDPSSODescriptor): current and next signing certificates."""
    context = {
        "entity_id": settings.CONNECT_SAML_ENTITY_ID,
        "certificates": [certificate_body(k.certificate_pem) for k in signing_keys_published()],
        "want_signed": "true" if settings.CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED else "false",
        "nameid_formats": NAMEID_FORMATS,
        "sso_redirect": endpoint("sso_redirect"),
        "sso_post": endpoint("sso_post"),
        "slo_redirect": endpoint("slo_redirect"),
        "slo_post": endpoint("slo_post"),
    }
    response = render(request, "idp/saml/metadata.xml", context, content_type="application/samlmetadata+xml")
    response["Content-Disposition"] = 'inline; filename="connect-saml-metadata.xml"'
    return response


def post_to_sp(request: HttpRequest, form: sso.PostForm) -> HttpResponse:
    """Bindings §3.5.4: an HTML form the browser posts to the SP; the page's
    form-action is widened to that one URL only."""
    response = render(request, "idp/saml/post.html", {"form": form})
    policy = {**settings.CONNECT_CSP, "form-action": ["'self'", form.action]}
    response["Content-Security-Policy"] = "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())
    response["Cache-Control"] = "no-store"
    return response


def _last_authentication(request: HttpRequest) -> float:
    methods = request.session.get(AUTH_METHODS_KEY) or []
    return max((float(m.get("at", 0)) for m in methods), default=0.0)


def _proceed(request: HttpRequest, info: AuthnRequestInfo, received_at: float) -> HttpResponse:
    user = request.user
    # ForceAuthn (Core §3.4.1): the person must have authenticated after the request arrived.
    fresh = not info.force_authn or _last_authentication(request) >= received_at
    # The company's second-factor rule (idp.mfa.middleware) holds this person.
    held = getattr(request, "connect_mfa_setup_required", False)
    if user.is_authenticated and fresh and not held:
        methods = request.session.get(AUTH_METHODS_KEY) or []
        last = _last_authentication(request) or time.time()
        form = sso.sso_respond(
            user=user,
            info=info,
            session_key=request.session.session_key or "",
            methods=methods,
            authn_instant=datetime.fromtimestamp(last, tz=UTC),
        )
        return post_to_sp(request, form)
    if info.is_passive:
        # Core §3.4.1: IsPassive forbids the IdP to interact with the person.
        return post_to_sp(request, sso.sso_status(info=info, status=sso.STATUS_NO_PASSIVE))
    token = secrets.token_urlsafe(16)
    pending: dict[str, Any] = dict(request.session.get(PENDING_KEY) or {})
    while len(pending) >= MAX_PENDING:
        pending.pop(next(iter(pending)))
    pending[token] = {**asdict(info), "received_at": received_at}
    request.session[PENDING_KEY] = pending
    continuation = reverse("idp_saml:sso_continue", args=[token])
    if held:  # the continuation is held by the middleware until a second factor is set up
        return HttpResponseRedirect(continuation)
    if user.is_authenticated:  # ForceAuthn: prove it again, keeping the session
        return redirect_to_login(continuation, login_url=reverse("account_reauthenticate"))
    return redirect_to_login(continuation)


@never_cache
@csrf_exempt  # Bindings §3.5: the SP's page posts here; the message itself is what we verify
@require_http_methods(["GET", "POST"])
def sso_endpoint(request: HttpRequest, binding: str) -> HttpResponse:
    if (binding == "redirect") != (request.method == "GET"):
        return error_page(request, SamlRequestError(_("Wrong HTTP method for this binding.")), status=405)
    raw_query = request.META.get("QUERY_STRING", "")
    params = query_params(raw_query) if binding == "redirect" else {k: str(v) for k, v in request.POST.items()}
    try:
        info = sso.sso_receive(binding=binding, params=params, raw_query=raw_query)
    except SamlRequestError as error:
        return error_page(request, error)
    return _proceed(request, info, received_at=time.time())


@never_cache
@require_GET
def sso_continue(request: HttpRequest, token: str) -> HttpResponse:
    pending = dict(request.session.get(PENDING_KEY) or {})
    stored = pending.get(token)
    if stored is None:
        return error_page(request, SamlRequestError(_(EXPIRED)))
    received_at = float(stored.pop("received_at"))
    if time.time() - received_at > 30 * 60:  # a login left open for half an hour: start again at the SP
        return error_page(request, SamlRequestError(_(EXPIRED)))
    info = AuthnRequestInfo(**stored)
    response = _proceed(request, info, received_at)
    if response.status_code == 200:  # answered: the request is used up
        pending.pop(token, None)
        request.session[PENDING_KEY] = pending
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def idp_initiated(request: HttpRequest) -> HttpResponse:
    """Profiles §4.1.5: /saml/start/?sp=<entity id>[&RelayState=…], after login."""
    entity_id = request.GET.get("sp", "")
    sp = ServiceProvider.objects.filter(entity_id=entity_id).first()
    try:
        if sp is None:
            raise SamlRequestError(_("This application is not registered with Connect."))
        info = sso.idp_initiated_info(sp=sp, relay_state=request.GET.get("RelayState", ""))
    except SamlRequestError as error:
        return error_page(request, error)
    return _proceed(request, info, received_at=0.0)


# --- Single logout (Profiles §4.4) ------------------------------------------------

SLO_KEY = "saml_slo"


def _send(request: HttpRequest, outgoing: slo.Outgoing) -> HttpResponse:
    if outgoing.form is not None:
        return post_to_sp(request, outgoing.form)
    return HttpResponseRedirect(outgoing.redirect_url)


def _slo_next(request: HttpRequest, state: dict[str, Any]) -> HttpResponse:
    """Tell the next SP of the ended session; when none is left, answer the one that asked."""
    while state["pending"]:
        sent = slo.logout_request_send(state["pending"].pop(0))
        if sent is None:
            continue
        state["awaiting"], outgoing = sent
        request.session[SLO_KEY] = state
        return _send(request, outgoing)
    request.session.pop(SLO_KEY, None)
    if state["initiator"]:
        incoming = slo.LogoutRequestIn(**state["initiator"])
        try:
            return _send(request, slo.logout_response_send(sp_entity_id=incoming.sp_entity_id, request=incoming))
        except SamlRequestError as error:
            return error_page(request, error)
    after = state.get("after") or ""
    # OIDC RP-Initiated Logout 1.0 §3: after an RP-initiated logout the OP redirects
    # to the client's registered post_logout_redirect_uri (an other host), also when
    # the SAML SPs were told first (SAML Profiles §4.4). Other foreign hosts are refused.
    if not url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}
    ) and not post_logout_redirect_registered(after):
        after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    return HttpResponseRedirect(after)


@never_cache
@csrf_exempt  # Bindings §3.5: the SP's page posts here; the message itself is verified
@require_http_methods(["GET", "POST"])
def slo_endpoint(request: HttpRequest, binding: str) -> HttpResponse:
    if (binding == "redirect") != (request.method == "GET"):
        return error_page(request, SamlRequestError(_("Wrong HTTP method for this binding.")), status=405)
    raw_query = request.META.get("QUERY_STRING", "")
    params = query_params(raw_query) if binding == "redirect" else {k: str(v) for k, v in request.POST.items()}
    try:
        if "SAMLResponse" in params:
            state = request.session.get(SLO_KEY)
            if not state:
                raise SamlRequestError(_("There is no logout in progress."))
            slo.logout_response_receive(
                binding=binding, params=params, raw_query=raw_query, expected_id=state["awaiting"]
            )
            state["awaiting"] = ""
            return _slo_next(request, state)
        incoming = slo.logout_request_receive(binding=binding, params=params, raw_query=raw_query)
    except SamlRequestError as error:
        return error_page(request, error)
    mine = slo.participants(request.session.session_key or "") if request.user.is_authenticated else []
    others: list[dict[str, str]] = []
    # Core §3.7.3: only the principal the request names is logged out.
    if any(p["sp"] == incoming.sp_entity_id and p["name_id"] == incoming.name_id for p in mine):
        others = [p for p in mine if p["sp"] != incoming.sp_entity_id]
        request._saml_slo_started = True  # type: ignore[attr-defined]  # the signal must not start a second chain
        logout(request)
        log.info("saml.logout.sp_initiated", extra=kv(sp=incoming.sp_entity_id, others=len(others)))
    return _slo_next(request, slo.state_new(initiator=incoming, others=others, after=""))


@never_cache
@require_GET
def slo_continue(request: HttpRequest) -> HttpResponse:
    """Logout at Connect (or from an OIDC client) lands here to tell the SAML SPs."""
    state = request.session.get(SLO_KEY)
    if not state:
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
    return _slo_next(request, state)
