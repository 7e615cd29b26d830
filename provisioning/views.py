"""The employee's pages: confirm the link, set a Connect password (optional),
ask for a new link. Thin: parse, call a service, render."""

from __future__ import annotations

import json
import time

from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError
from idp import selectors as idp_selectors
from idp.mfa.enrol import passkey_enrol_begin, passkey_enrol_complete
from provisioning import linking, services
from provisioning.banner import BANNER_SALT

_PASSWORD_STEP = "provisioning_password_step"  # noqa: S105 (a session key, not a secret)
_PASSWORD_STEP_SECONDS = 15 * 60


def _json(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        return None


def _client(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forged X-Forwarded-For must not reset the limit.
    return str(request.META.get("REMOTE_ADDR", ""))


def _unusable(request: HttpRequest, exc: linking.LinkUnusable) -> HttpResponse:
    status = 410 if exc.reason in ("used", "expired") else 400
    return render(
        request, "provisioning/link_unusable.html", {"error": exc, "invitation_id": exc.invitation_id}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    if request.method == "GET":
        # Mail scanners follow links: GET only shows the button, nothing changes.
        try:
            invitation = linking.invitation_check(invitation_id=pk, token=token)
        except linking.LinkUnusable as exc:
            return _unusable(request, exc)
        return render(request, "provisioning/verify.html", {"invitation": invitation})
    try:
        confirmed = linking.invitation_confirm(invitation_id=pk, token=token)
    except linking.LinkUnusable as exc:
        return _unusable(request, exc)
    except services.ProvisioningError as exc:
        return render(request, "provisioning/problem.html", {"error": exc}, status=409)
    if confirmed.may_set_password:
        request.session[_PASSWORD_STEP] = {
            "account": str(confirmed.account.pk),
            "until": time.time() + _PASSWORD_STEP_SECONDS,
        }
        return redirect("provisioning:password")
    return render(
        request,
        "provisioning/done.html",
        {"employee": confirmed.employee, "account": confirmed.account, "sso_name": confirmed.sso_name},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """Offered once, right after confirming, to the browser that confirmed."""
    step = request.session.get(_PASSWORD_STEP)
    account = idp_selectors.account_by_subject(step["account"]) if step and step["until"] > time.time() else None
    if account is None:
        request.session.pop(_PASSWORD_STEP, None)
        return render(request, "provisioning/done.html", {"account": None})
    errors: list[str] = []
    if request.method == "POST" and "credential" in request.POST:
        # "…or add a passkey": the ceremony and its checks are idp's (idp.mfa.enrol).
        try:
            passkey_enrol_complete(user=account, credential=_json(request.POST["credential"]))
        except ApplicationError as exc:
            errors = [str(exc.message)]
        else:
            request.session.pop(_PASSWORD_STEP, None)
            return render(request, "provisioning/done.html", {"account": account, "passkey_added": True})
    elif request.method == "POST":
        if "skip" in request.POST:
            request.session.pop(_PASSWORD_STEP, None)
            return render(request, "provisioning/done.html", {"account": account, "skipped": True})
        new, again = request.POST.get("password1", ""), request.POST.get("password2", "")
        if new != again:
            errors = [str(_("The two passwords do not match."))]
        else:
            try:
                linking.password_set_after_confirm(account=account, password=new)
            except ValidationError as exc:
                errors = list(exc.messages)
            except services.ProvisioningError as exc:
                errors = [str(exc.message)]
            else:
                request.session.pop(_PASSWORD_STEP, None)
                return render(request, "provisioning/done.html", {"account": account, "password_set": True})
    context = {
        "account": account,
        "errors": errors,
        "help_texts": password_validation.password_validators_help_texts(),
        "js_data": {"creation_options": passkey_enrol_begin(user=account)},
    }
    return render(request, "provisioning/password.html", context, status=400 if errors else 200)


@never_cache
@require_POST
def new_link(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Send me a new link". It goes to the address HRM has, never to one typed here."""
    try:
        services.invitation_request_new_link(invitation_id=pk, client=_client(request))
    except services.RateLimited as exc:
        return render(request, "provisioning/problem.html", {"error": exc}, status=429)
    except services.ProvisioningError as exc:
        return render(request, "provisioning/problem.html", {"error": exc}, status=409)
    return render(request, "provisioning/new_link_sent.html")


@never_cache
@require_POST
def banner_resend(request: HttpRequest) -> HttpResponse:
    """The HRM banner's resend button. HRM's session cookie is scoped to /hrm/<slug>/,
    so the banner hands over a short-lived signed ticket naming the invitation."""
    try:
        data = signing.loads(request.POST.get("ticket", ""), salt=BANNER_SALT, max_age=3600)
        invitation_id, slug = int(data["i"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(
            request,
            "provisioning/problem.html",
            {"error": _("This page is out of date. Please reload HRM.")},
            status=400,
        )
    try:
        services.invitation_request_new_link(invitation_id=invitation_id, client=_client(request))
    except services.ProvisioningError as exc:
        return render(
            request,
            "provisioning/problem.html",
            {"error": exc},
            status=429 if isinstance(exc, services.RateLimited) else 409,
        )
    return redirect(reverse("hrm:home", kwargs={"slug": slug}) + "?provisioning=sent")


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The administrator's "set your password" link: GET shows the form, POST uses it."""
    from provisioning import absentees

    try:
        setup_row = absentees.setup_check(setup_id=pk, token=token)
    except absentees.SetupLinkUnusable as exc:
        return render(request, "provisioning/setup_unusable.html", {"error": exc}, status=410)
    errors: list[str] = []
    if request.method == "POST":
        new, again = request.POST.get("password1", ""), request.POST.get("password2", "")
        if new != again:
            errors = [str(_("The two passwords do not match."))]
        else:
            try:
                absentees.setup_complete(setup_id=pk, token=token, password=new)
            except ValidationError as exc:
                errors = list(exc.messages)
            except absentees.SetupLinkUnusable as exc:
                return render(request, "provisioning/setup_unusable.html", {"error": exc}, status=410)
            else:
                return render(request, "provisioning/setup_done.html", {"setup": setup_row})
    context = {"setup": setup_row, "errors": errors, "help_texts": password_validation.password_validators_help_texts()}
    return render(request, "provisioning/setup.html", context, status=400 if errors else 200)
