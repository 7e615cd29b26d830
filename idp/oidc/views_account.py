"""The person's own page of connected applications: what they allowed, and taking it back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from idp.oidc import consents
from idp.oidc.scopes import scope_descriptions


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        consent_id = request.POST.get("consent", "")
        if consent_id.isdigit() and consents.consent_revoke(user=request.user, consent_id=int(consent_id)):
            messages.success(request, _("Access removed. The application must ask you again."))
        return redirect("oauth2_provider:connected-applications")
    rows = [
        {"consent": consent, "scopes": scope_descriptions(consent.scopes)}
        for consent in consents.connected_applications(user=request.user)
    ]
    return render(request, "idp/oidc/applications.html", {"rows": rows})
