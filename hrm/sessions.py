"""HRM's own sessions: a random token in a per-company cookie, its hash in the database."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hrm.models import Company, Employee, HrmSession, LoginMethod

COOKIE = "hrm_session"
IDLE_SECONDS = 8 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cookie_path(company: Company) -> str:
    return f"/hrm/{company.slug}/"


def session_start(*, response: HttpResponse, employee: Employee, via: LoginMethod, id_token: str = "") -> HrmSession:
    token = secrets.token_urlsafe(32)
    session = HrmSession.objects.create(token_hash=_hash(token), employee=employee, via=via, id_token=id_token)
    response.set_cookie(
        COOKIE,
        token,
        max_age=IDLE_SECONDS,
        path=_cookie_path(employee.company),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return session


def session_current(request: HttpRequest, company: Company) -> HrmSession | None:
    """The live session of an active employee of ``company``, or None."""
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    session = (
        HrmSession.objects.select_related("employee", "employee__company")
        .filter(token_hash=_hash(token), employee__company=company, employee__is_active=True)
        .first()
    )
    if session is None:
        return None
    now = timezone.now()
    if (now - session.last_seen_at).total_seconds() > IDLE_SECONDS:
        session.delete()
        return None
    if (now - session.last_seen_at).total_seconds() > 60:
        HrmSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


def session_end(*, request: HttpRequest, response: HttpResponse, company: Company) -> HrmSession | None:
    session = session_current(request, company)
    if session is not None:
        session.delete()
    response.delete_cookie(COOKIE, path=_cookie_path(company))
    return session
