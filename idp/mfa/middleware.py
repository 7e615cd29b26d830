"""Enforces the second-factor policy (idp.mfa.policy) for signed-in people.

allauth already demands the second factor at password sign-in from anyone who
has one (its MFA login stage). What it cannot know is that a company requires
one: a person under that rule who signed in with a password alone and has no
second factor is held on the set-up page, whatever they ask for (OIDC
authorize, SAML SSO, the account page), until they add one. Connect's answer
to an OIDC or SAML client therefore never carries a password-only sign-in of
such a person.

The verdict is kept in the session once the person is clear, so the company
rule is read once per sign-in, not per request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from idp.authn_methods import password_only
from idp.mfa.policy import has_second_factor, mfa_required

CLEARED_KEY = "connect_mfa_policy_ok"
AUTH_METHODS_KEY = "account_authentication_methods"

# Pages a held person may still use: the ones that set up a second factor, the
# reauthentication allauth asks for first, the recovery codes it then shows,
# signing out and switching language.
ALLOWED = {
    "idp:mfa_required",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "account_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "account_logout",
    "set_language",
}


def _allowed(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return match.view_name in ALLOWED


# Protocol endpoints that must answer in their own terms when the person is held:
# OIDC prompt=none (Core §3.1.2.6: no page; interaction_required to the client),
# and SAML SSO, whose request arrives by POST and would be lost by a redirect
# (the SAML view keeps it and continues after set-up; IsPassive gets NoPassive).
SAML_SSO = {"idp_saml:sso_redirect", "idp_saml:sso_post"}


def _answers_itself(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name == "oauth2_provider:authorize":
        return "none" in request.GET.get("prompt", "").split()
    return match.view_name in SAML_SSO


def policy_satisfied(request: HttpRequest) -> bool:
    user = request.user
    if request.session.get(CLEARED_KEY):
        return True
    ok = (
        not password_only(request.session.get(AUTH_METHODS_KEY))
        or has_second_factor(user=user)
        or not mfa_required(user=user)
    )
    if ok:
        request.session[CLEARED_KEY] = True
    return ok


class MfaPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _allowed(request) and not policy_satisfied(request):
            if _answers_itself(request):
                request.connect_mfa_setup_required = True  # type: ignore[attr-defined]
                return self.get_response(request)
            # Come back here after set-up: the request as it was asked (GET only;
            # a POST cannot be replayed safely and starts again from its page).
            target = request.get_full_path() if request.method == "GET" else ""
            url = reverse("idp:mfa_required")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': target})}" if target else url)
        return self.get_response(request)
