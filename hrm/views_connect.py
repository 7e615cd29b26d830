"""HRM's side of logging in through Connect: the callback and the page after logout."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.logs import kv
from hrm import oidc, selectors
from hrm.models import Company, LoginMethod
from hrm.sessions import session_start

log = logging.getLogger(__name__)


def _failed(request: HttpRequest, company: Company | None, status: int = 400) -> HttpResponse:
    response = render(request, "hrm/connect_failed.html", {"company": company}, status=status)
    response.delete_cookie(oidc.COOKIE, path=oidc.COOKIE_PATH)
    return response


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    pending = oidc.pending_login(request)
    company = Company.objects.filter(slug=oidc.state_company(pending["state"])).first() if pending else None
    if pending is None or company is None:
        log.info("hrm.oidc.callback_refused", extra=kv(rule="no-pending-login"))
        return _failed(request, None)
    if selectors.company_login_method(company) != LoginMethod.CONNECT:
        return _failed(request, company)
    try:
        identity = oidc.login_finish(request=request, pending=pending)
    except oidc.ConnectLoginError as exc:
        log.info("hrm.oidc.callback_refused", extra=kv(rule=exc.reason, company=company.slug))
        return _failed(request, company)
    except OSError:  # Connect unreachable
        return _failed(request, company, status=502)
    employee = selectors.employee_by_subject(company=company, subject=identity.subject)
    if employee is None or not employee.is_active:
        # A linked employee who left gets their own page: the link stays, access does not.
        template = "hrm/connect_not_linked.html" if employee is None else "hrm/connect_inactive.html"
        log.info("hrm.oidc.not_linked", extra=kv(company=company.slug, inactive=employee is not None))
        response = render(request, template, {"company": company}, status=403)
        response.delete_cookie(oidc.COOKIE, path=oidc.COOKIE_PATH)
        return response
    response = redirect("hrm:home", slug=company.slug)
    session_start(response=response, employee=employee, via=LoginMethod.CONNECT, id_token=identity.id_token)
    response.delete_cookie(oidc.COOKIE, path=oidc.COOKIE_PATH)
    log.info("hrm.oidc.login", extra=kv(company=company.slug, employee=employee.pk))
    return response


@never_cache
@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    company = Company.objects.filter(slug=request.GET.get("state", "")).first()
    return render(request, "hrm/connect_logged_out.html", {"company": company})
