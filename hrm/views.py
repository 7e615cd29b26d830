"""HRM's pages: its own (legacy) login, and a small home page after login."""

from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.logs import kv
from hrm import hooks, oidc, selectors, services
from hrm.forms import LegacyLoginForm
from hrm.models import LoginMethod
from hrm.sessions import session_current, session_end, session_start

log = logging.getLogger(__name__)


def _wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest, slug: str) -> HttpResponse:
    company = selectors.company_by_slug(slug)
    method = selectors.company_login_method(company)
    if method == LoginMethod.CONNECT:
        if request.method == "POST":
            # A retired form: browsers get a page that says where to go now,
            # scripts get 410 Gone.
            status = 410
            return render(request, "hrm/login_retired.html", {"company": company}, status=status)
        if session_current(request, company) is not None:
            return redirect("hrm:home", slug=company.slug)
        try:
            return oidc.login_start(slug=company.slug, response_factory=HttpResponseRedirect)
        except (oidc.ConnectLoginError, OSError, ValueError):
            # Connect unreachable or misconfigured: say so, don't crash.
            return render(request, "hrm/connect_failed.html", {"company": company}, status=502)
    if session_current(request, company) is not None:
        return redirect("hrm:home", slug=company.slug)
    form = LegacyLoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.legacy_login(
                company=company, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except services.LegacyLoginRetired:
            return render(request, "hrm/login_retired.html", {"company": company}, status=410)
        except services.LegacyLoginFailed as exc:
            error = exc.message
        else:
            response = redirect("hrm:home", slug=company.slug)
            session_start(response=response, employee=employee, via=LoginMethod.LEGACY)
            return response
    return render(
        request, "hrm/login.html", {"company": company, "form": form, "error": error}, status=401 if error else 200
    )


@never_cache
def home(request: HttpRequest, slug: str) -> HttpResponse:
    company = selectors.company_by_slug(slug)
    session = session_current(request, company)
    if session is None:
        return redirect("hrm:login", slug=company.slug)
    employee = session.employee
    context: dict[str, object] = {
        "company": company,
        "employee": employee,
        "session": session,
        "banners": hooks.home_banners(request, employee),
    }
    if employee.is_hrm_admin:
        context["page"] = Paginator(selectors.company_employees(company), 50).get_page(request.GET.get("page"))
    return render(request, "hrm/home.html", context)


@require_POST
def logout(request: HttpRequest, slug: str) -> HttpResponse:
    company = selectors.company_by_slug(slug)
    session = session_current(request, company)
    response: HttpResponse = redirect("hrm:login", slug=company.slug)
    if session is not None and session.via == LoginMethod.CONNECT and session.id_token:
        # Ending HRM's session ends Connect's too (RP-Initiated Logout 1.0 §2).
        try:
            response = HttpResponseRedirect(oidc.logout_url(id_token=session.id_token, slug=company.slug))
        except (oidc.ConnectLoginError, OSError, ValueError):
            log.warning("hrm.oidc.logout_unreachable", extra=kv(company=company.slug))
    session_end(request=request, response=response, company=company)
    return response
