"""Connect's own pages: the email-first sign-in (step 1, then allauth's login
view as step 2) and the account page. Views parse, call a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.core.internal.ratelimit import respond_429
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from idp import throttle
from idp.emails import normalize_email
from idp.federation.selectors import identity_provider_for_email
from idp.federation.views import federation_redirect
from idp.forms import LoginEmailForm, ProfileForm
from idp.selectors import account_recent_events, account_sessions
from idp.services import account_profile_update, account_session_end, account_sessions_end

# The address typed at step 1 is carried to step 2 in a signed cookie scoped to
# the sign-in pages: not in the URL (logs, Referer headers), and not in a
# server-side session, so a visitor who has not signed in costs no database row.
LOGIN_EMAIL_COOKIE = "connect_login_email"
LOGIN_EMAIL_SALT = "idp.login.email"
LOGIN_EMAIL_MAX_AGE = 60 * 60


def _typed_email(request: HttpRequest) -> str:
    value = request.get_signed_cookie(
        LOGIN_EMAIL_COOKIE, default="", salt=LOGIN_EMAIL_SALT, max_age=LOGIN_EMAIL_MAX_AGE
    )
    return str(value)


def _with_next(url: str, request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@never_cache
def login_email(request: HttpRequest) -> HttpResponseBase:
    """Step 1: the email address only. ``login_hint`` (OIDC Core §3.1.2.1) pre-fills it."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(get_next_redirect_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        form = LoginEmailForm(request.POST)
        if form.is_valid():
            federated = identity_provider_for_email(normalize_email(form.cleaned_data["login"]))
            if federated is not None:
                # Company SSO: the company's own IdP signs this person in, not a password.
                return federation_redirect(request, federated, email=normalize_email(form.cleaned_data["login"]))
            response = redirect(_with_next(reverse("idp:login_password"), request))
            response.set_signed_cookie(
                LOGIN_EMAIL_COOKIE,
                normalize_email(form.cleaned_data["login"]),
                salt=LOGIN_EMAIL_SALT,
                max_age=LOGIN_EMAIL_MAX_AGE,
                path=reverse("account_login"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    else:
        hint = request.GET.get("login_hint", "")[:254] or _typed_email(request)
        form = LoginEmailForm(initial={"login": hint})
    return render(
        request,
        "account/login_email.html",
        {"form": form, "next_url": request.POST.get("next") or request.GET.get("next", "")},
    )


class LoginPasswordView(LoginView):
    """Step 2: allauth's own login view and form (rate limits, enumeration
    prevention, login stages, signals), shown for the address from step 1.
    Later steps add passkeys, BankID and company SSO to its template's
    ``other_methods`` block."""

    template_name = "account/login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return self._dispatch(request, *args, **kwargs)
        finally:
            # A reservation the password check did not take is given back.
            throttle.drop_reservation(request)

    def _dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            typed = normalize_email(request.POST.get("login", ""))
            # The flood count and the failed-login reservation for the address named
            # travel in one round trip (idp.throttle.flood_refused).
            if throttle.flood_refused(request, login_key=typed):
                return respond_429(request)
            if federated := identity_provider_for_email(typed):
                # A company that signs its people in itself decides who gets in (offboarding
                # upstream must end access here too): no Connect password for its domains.
                return federation_redirect(request, federated, email=typed)
        if not request.user.is_authenticated and request.method == "GET" and not _typed_email(request):
            return redirect(_with_next(reverse("account_login"), request))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"login": _typed_email(self.request)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_email"] = self.request.POST.get("login") or _typed_email(self.request)
        context["change_email_url"] = _with_next(reverse("account_login"), self.request)
        return context


login_password = LoginPasswordView.as_view()


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                account_profile_update(
                    user=user,  # type: ignore[arg-type]
                    display_name=form.cleaned_data["display_name"],
                    language=form.cleaned_data["language"],
                )
            except ApplicationError as exc:
                form.add_error("language", str(exc))
            else:
                translation.activate(form.cleaned_data["language"])
                messages.success(request, _("Your details were saved."))
                response = redirect("idp:account")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    form.cleaned_data["language"],
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
                )
                return response
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "language": user.preferred_language})  # type: ignore[union-attr]
    return render(
        request,
        "idp/account.html",
        {
            "form": form,
            "sessions": account_sessions(user=user, current_key=request.session.session_key),  # type: ignore[arg-type]
            "events": account_recent_events(user=user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_POST
def session_end(request: HttpRequest, handle: str) -> HttpResponse:
    if account_session_end(user=request.user, handle=handle):  # type: ignore[arg-type]
        messages.success(request, _("The session was ended."))
    return redirect("idp:account")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    logout(request)
    account_sessions_end(user=user, reason="logout_everywhere")  # type: ignore[arg-type]
    messages.success(request, _("You were signed out everywhere."))
    return redirect("account_login")
