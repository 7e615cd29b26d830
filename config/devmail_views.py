"""Pages of the dev mailbox (DEBUG only; not routed at all in production)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from config import devmail


def mailbox(request: HttpRequest) -> HttpResponse:
    return render(request, "devmail/list.html", {"mails": devmail.mails()})


def message(request: HttpRequest, mail_id: str) -> HttpResponse:
    found = devmail.mail(mail_id)
    if found is None:
        raise Http404
    return render(request, "devmail/message.html", {"mail": found})


@xframe_options_sameorigin
def message_html(request: HttpRequest, mail_id: str) -> HttpResponse:
    """The HTML body on its own, shown in a sandboxed frame of the message page."""
    found = devmail.mail(mail_id)
    if found is None or found.html is None:
        raise Http404
    response = HttpResponse(found.html)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    return response


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    devmail.clear()
    return redirect("devmail:list")
