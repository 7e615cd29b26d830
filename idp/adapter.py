"""allauth is customised here and through templates only (house style)."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from idp import throttle
from idp.audit.services import audit_record
from idp.emails import normalize_email

_CLIENT_IP_ATTR = "_connect_client_ip"


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth sees it: X-Forwarded-For is read only as
    far as ALLAUTH_TRUSTED_PROXY_COUNT (= CONNECT_TRUSTED_PROXY_COUNT) proxies
    vouch for it, so a forged header cannot pick a fresh address per attempt."""
    if request is None:
        return None
    try:
        return ConnectAccountAdapter(request).get_client_ip(request)
    except Exception:  # allauth raises PermissionDenied / ImproperlyConfigured
        return None


def client_agent(request: HttpRequest | None) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""


def audit_request(request: HttpRequest | None, *, event: str, **fields: Any) -> None:
    audit_record(event=event, ip_address=client_ip(request), user_agent=client_agent(request), **fields)


def _resume_after_reset() -> str:
    """The page a reset was asked from (an OIDC authorize URL, say), if it is ours.

    The reset form posts it as ``resume``, not ``next``: allauth would send the
    person to ``next`` straight after asking, before they read the mail."""
    from allauth.core import context

    request = getattr(context, "request", None)
    resume = str(request.POST.get("resume", "")) if request is not None and request.method == "POST" else ""
    # Only a path on this site (no scheme, no host): never an open redirect.
    if resume.startswith("/") and url_has_allowed_host_and_scheme(resume, allowed_hosts=None):
        return resume
    return ""


class ConnectAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words whether the address has an account or not (no enumeration),
        # and a way forward for the employee who never set a password or has no account.
        "email_password_mismatch": _(
            "The email address and/or password you specified are not correct. Never set a Connect password? "
            "Choose “Forgot your password?”. No Connect account yet? Ask your administrator."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        # Asked four times in a sign-in (flood count, failed-login counts, allauth's
        # own rate limit, the audit row): the header is read and parsed once.
        cached: str | None = request.__dict__.get(_CLIENT_IP_ATTR)
        if cached is None:
            cached = request.__dict__[_CLIENT_IP_ATTR] = super().get_client_ip(request)
        return cached

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponseBase | None:
        """A company that signs its people in with its own IdP decides who gets in:
        any other way of signing in (password, passkey, a mailed code) for an address
        in its domains goes to that IdP instead, so a leaver cut off there is cut off
        here too. Only the federated login itself (a social login) passes."""
        from idp.federation.selectors import identity_provider_for_email
        from idp.federation.views import federation_redirect

        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        federated = identity_provider_for_email(user.email)
        if federated is not None and "sociallogin" not in signal_kwargs:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            audit_record(event="federation.required", user=user, ip_address=client_ip(request),
                         user_agent=client_agent(request), provider=federated.pk)  # fmt: skip
            return federation_redirect(request, federated, email=user.email)
        return None

    # allauth's "Successfully signed in as …" waits in a cookie for the next
    # Connect page, which after a sign-in into another application may come
    # hours later and out of context; the page a person lands on already shows
    # who is signed in. Other messages (signed out, password changed) stay.
    SILENT_MESSAGES = frozenset({"account/messages/logged_in.txt"})

    def add_message(
        self, request: HttpRequest, level: int, message_template: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if message_template in self.SILENT_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "CONNECT_OPEN_SIGNUP", True))

    # --- Links in mails ------------------------------------------------------
    # Every link in every mail starts at the configured SITE_URL, never at the
    # request's Host header (host-header poisoning of reset links). allauth
    # builds its links from the request, so each mail's links are made here.
    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        url = site_url(path.replace("UID-KEY", quote(key)))
        # The reset keeps the login it interrupted: after the new password the
        # person is signed in (ACCOUNT_LOGIN_ON_PASSWORD_RESET) and sent on.
        resume = _resume_after_reset()
        return f"{url}?{urlencode({'next': resume})}" if resume else url

    def get_email_confirmation_url(self, request: HttpRequest | None, emailconfirmation: Any) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site_url(reverse("account_signup")),
                "password_reset_url": site_url(reverse("account_reset_password")),
            },
        )

    # --- Throttling of failed logins ---------------------------------------
    # allauth's hooks, with Connect's lock-free counters (idp.throttle) and one
    # normal form of the email as the key, so case and Unicode (NFKC) variants
    # share one counter.
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        login = credentials.get("email", credentials.get("username", "")) or ""
        return normalize_email(login)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        key = self._get_login_attempts_cache_key(request, **credentials)
        outcome = throttle.take_reservation(request, key)  # made with the flood count
        if outcome is None:
            outcome = throttle.reserve(request, key)
        if isinstance(outcome, throttle.Reservation):
            self._login_failed_rl_usage = outcome
            return
        self._login_failed_rl_usage = throttle.Reservation()  # nothing held
        audit_request(request, event="login.throttled", email=key, retry_after=outcome)
        minutes = max(1, math.ceil(outcome / 60))
        raise ValidationError(
            ngettext(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="too_many_login_attempts",
        )

    def _rollback_login_failed_rl_usage(self) -> None:
        reservation = getattr(self, "_login_failed_rl_usage", None)
        if reservation is not None:
            reservation.release()

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # After a successful reset (itself rate limited), the account may try again.
        throttle.forget(request, self._get_login_attempts_cache_key(request, **credentials))

    # --- Audit of mails that a reset request sends ---------------------------
    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        request = context.get("request")
        audit_request(request, event="password.reset_requested", user=user, email=normalize_email(email))
        super().send_password_reset_mail(user, email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix == "account/email/unknown_account":
            # A reset asked for an address without an account: the same answer on
            # screen (no enumeration), but the operator can still see it.
            audit_request(context.get("request"), event="password.reset_requested", email=normalize_email(email))
            context = {**context, "signup_url": site_url(reverse("account_signup"))}
        # allauth names the site after the request's Host; ours is fixed.
        context = {
            **context,
            "current_site": SimpleNamespace(name="Connect", domain=urlsplit(settings.SITE_URL).netloc),
        }
        super().send_mail(template_prefix, email, context)
