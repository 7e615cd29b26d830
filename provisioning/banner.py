"""HRM's home-page banner during preparation (registered through hrm.hooks)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from hrm.models import Employee
from provisioning.models import CompanyMigration, Invitation, InvitationStatus, Phase

BANNER_SALT = "provisioning.banner"
_READY_SHOWN = "provisioning_ready_shown"


def home_banner(request: HttpRequest, employee: Employee) -> SafeString | str:
    phase = CompanyMigration.objects.filter(company_id=employee.company_id).values_list("phase", flat=True).first()
    if phase != Phase.PREPARING:
        return ""
    invitation = Invitation.objects.filter(employee=employee).first()
    if invitation is not None and invitation.status == InvitationStatus.VERIFIED_LINKED:
        # Said once after linking, then gone.
        shown = set(request.session.get(_READY_SHOWN, []))
        if employee.pk in shown:
            return ""
        request.session[_READY_SHOWN] = [*shown, employee.pk]
        return mark_safe(render_to_string("provisioning/banner.html", {"ready": True}, request=request))
    ticket = signing.dumps({"i": invitation.pk, "c": employee.company.slug}, salt=BANNER_SALT) if invitation else ""
    context = {
        "employee": employee,
        "invitation": invitation,
        "ticket": ticket,
        "sent": request.GET.get("provisioning") == "sent",
    }
    return mark_safe(render_to_string("provisioning/banner.html", context, request=request))
