"""The Django admin for the migration: staff see and act on their own companies only."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from hrm.models import Company
from provisioning import absentees, linking, mfa_policy, selectors, services
from provisioning.admin_switch import SwitchAdminMixin
from provisioning.audit import event_record
from provisioning.models import CompanyMigration, CompanyStaff, ConnectEmployee, Invitation, ProvisioningEvent


class ScopedAdmin(admin.ModelAdmin):
    """Visible to superusers and to staff mapped to a company (CompanyStaff); rows
    are filtered to those companies. Nothing is added, edited or deleted by hand."""

    company_field = "company_id"

    def _allowed(self, request: HttpRequest) -> bool:
        ids = selectors.staff_company_ids(request.user)  # type: ignore[arg-type]
        return ids is None or bool(ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_provision_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.scope(super().get_queryset(request), request.user, self.company_field)  # type: ignore[arg-type]


def _confirm(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any], *, action: str, title: Any, text: Any
) -> TemplateResponse:
    """The confirmation page every bulk action shows before it acts."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "text": text,
        "objects": queryset[:200],
        "count": queryset.count(),
        "action": action,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/provisioning/confirm_action.html", context)


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    list_display = (
        "employee_name",
        "employee_number",
        "email",
        "company",
        "status",
        "skip_reason",
        "sent_at",
        "verified_at",
    )
    list_filter = ("status", "skip_reason", "company")
    search_fields = ("employee__first_name", "employee__last_name", "employee__employee_number", "employee__email")
    list_select_related = ("employee", "company")
    actions = ("send_invitations", "unlink", "export_csv")
    exclude = ("nonce", "token_hash")

    @admin.display(description=_("employee"), ordering="employee__last_name")
    def employee_name(self, obj: Invitation) -> str:
        return obj.employee.full_name

    @admin.display(description=_("employee number"))
    def employee_number(self, obj: Invitation) -> str:
        return obj.employee.employee_number

    @admin.action(description=_("Send or resend the invitation"), permissions=["provision"])
    def send_invitations(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return _confirm(
                self, request, queryset, action="send_invitations", title=_("Send invitations"),
                text=_(
                    "Each selected employee gets a new link; older links stop working. "
                    "Linked employees are left alone."
                ),
            )  # fmt: skip
        sent, refused = 0, []
        for invitation in queryset.select_related("employee__company"):
            try:
                services.invitation_send(employee=invitation.employee, actor=request.user, via="admin")  # type: ignore[arg-type]
                sent += 1
            except ApplicationError as exc:
                refused.append(str(exc))
        self.message_user(request, _("Invitations queued: %(n)d.") % {"n": sent}, messages.SUCCESS)
        for text in refused[:20]:
            self.message_user(request, text, messages.WARNING)
        return None

    @admin.action(description=_("Unlink from Connect"), permissions=["provision"])
    def unlink(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return _confirm(
                self, request, queryset, action="unlink", title=_("Unlink from Connect"),
                text=_("The Connect accounts stay; they no longer sign in as these employees."),
            )  # fmt: skip
        done = 0
        for invitation in queryset.select_related("employee__company"):
            try:
                linking.employee_unlink(employee=invitation.employee, actor=request.user)  # type: ignore[arg-type]
                done += 1
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, _("Unlinked: %(n)d.") % {"n": done}, messages.SUCCESS)
        return None

    @admin.action(description=_("Export the status list as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> StreamingHttpResponse:
        with transaction.atomic():
            company_ids = set(queryset.values_list("company_id", flat=True).distinct())
            for company in Company.objects.filter(pk__in=company_ids):
                event_record(company=company, event="admin.export_csv", actor=request.user)  # type: ignore[arg-type]
        return csv_response(selectors.invitations_for_export(queryset))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    # A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(rows: Any) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = [
        "company",
        "employee_number",
        "first_name",
        "last_name",
        "email",
        "status",
        "reason",
        "sent_at",
        "verified_at",
    ]

    def lines() -> Any:
        yield writer.writerow(header)
        for i in rows:
            yield writer.writerow(
                [_cell(v) for v in (i.company.slug, i.employee.employee_number, i.employee.first_name,
                 i.employee.last_name, i.employee.email, i.status, i.skip_reason, i.sent_at, i.verified_at)]
            )  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="provisioning-status.csv"'
    return response


@admin.register(CompanyMigration)
class CompanyMigrationAdmin(SwitchAdminMixin, ScopedAdmin):
    list_display = ("company", "phase", "planned_activation_at", "phase_changed_at", "phase_changed_by",
                    "require_second_factor", "campaign_link", "switch_link")  # fmt: skip
    list_filter = ("phase", "require_second_factor")
    actions = ("start_preparation", "require_second_factor_on", "require_second_factor_off")

    @admin.display(description=_("campaign"))
    def campaign_link(self, obj: CompanyMigration) -> str:
        url = reverse("admin:provisioning_campaign", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Progress"))

    @admin.display(description=_("switch"))
    def switch_link(self, obj: CompanyMigration) -> str:
        url = reverse("admin:provisioning_switch", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Readiness and switch"))

    def get_urls(self) -> list[Any]:
        extra = [
            path("<int:pk>/campaign/", self.admin_site.admin_view(self.campaign_view), name="provisioning_campaign")
        ]
        return extra + self.switch_urls() + super().get_urls()

    def campaign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        migration = get_object_or_404(self.get_queryset(request), pk=pk)
        progress = selectors.company_progress(migration.company)
        chart = selectors.verified_chart(selectors.verified_per_day(migration.company), total=progress.employees)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Migration of %(company)s") % {"company": migration.company},
            "migration": migration,
            "progress": progress,
            "chart": chart,
            "statuses": Invitation._meta.get_field("status").choices,
            "reasons": Invitation._meta.get_field("skip_reason").choices,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/provisioning/campaign.html", context)

    @admin.action(description=_("Start the preparation (mail every employee)"), permissions=["provision"])
    def start_preparation(self, request: HttpRequest, queryset: QuerySet[CompanyMigration]) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return _confirm(
                self, request, queryset, action="start_preparation", title=_("Start the preparation"),
                text=_(
                    "Every active employee with an email address gets a verification mail. "
                    "The current login keeps working."
                ),
            )  # fmt: skip
        for migration in queryset.select_related("company"):
            try:
                services.company_start_preparation(company=migration.company, actor=request.user)  # type: ignore[arg-type]
                self.message_user(request, _("Started: %(company)s") % {"company": migration.company}, messages.SUCCESS)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        return None

    def _second_factor(self, request: HttpRequest, queryset: QuerySet[CompanyMigration], required: bool) -> None:
        for migration in queryset.select_related("company"):
            mfa_policy.company_second_factor_set(company=migration.company, required=required, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("The second-factor rule was saved."), messages.SUCCESS)

    @admin.action(description=_("Require a second factor at sign-in"), permissions=["provision"])
    def require_second_factor_on(self, request: HttpRequest, queryset: QuerySet[CompanyMigration]) -> None:
        self._second_factor(request, queryset, True)

    @admin.action(description=_("Stop requiring a second factor"), permissions=["provision"])
    def require_second_factor_off(self, request: HttpRequest, queryset: QuerySet[CompanyMigration]) -> None:
        self._second_factor(request, queryset, False)


@admin.register(ConnectEmployee)
class ConnectEmployeeAdmin(ScopedAdmin):
    """Every employee of the administrator's companies, linked or not; the place to
    provision those who were away ("Provision selected")."""

    list_display = ("employee_number", "first_name", "last_name", "email", "company", "is_active", "linked")
    list_filter = ("company", "is_active", ("connect_subject", admin.EmptyFieldListFilter))
    search_fields = ("employee_number", "first_name", "last_name", "email")
    list_select_related = ("company",)
    fields = ("company", "employee_number", "first_name", "last_name", "email", "is_active", "connect_subject")
    actions = ("provision_selected",)

    @admin.display(description=_("linked to Connect"), boolean=True)
    def linked(self, obj: ConnectEmployee) -> bool:
        return obj.connect_subject is not None

    @admin.action(description=_("Provision selected"), permissions=["provision"])
    def provision_selected(self, request: HttpRequest, queryset: QuerySet[ConnectEmployee]) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return _confirm(
                self, request, queryset, action="provision_selected", title=_("Provision selected"),
                text=_(
                    "Each selected employee gets a Connect account with the email address HRM has, linked to "
                    "them, and a mail to choose a password. Employees without an address, or sharing one, are "
                    "refused with the reason."
                ),
            )  # fmt: skip
        done = 0
        for employee in queryset.select_related("company"):
            try:
                absentees.employee_provision(employee=employee, actor=request.user)  # type: ignore[arg-type]
                done += 1
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, _("Provisioned: %(n)d.") % {"n": done}, messages.SUCCESS)
        return None


@admin.register(ProvisioningEvent)
class ProvisioningEventAdmin(ScopedAdmin):
    list_display = ("created_at", "company", "event", "employee", "actor")
    list_filter = ("event", "company")
    list_select_related = ("company", "employee", "actor")
    search_fields = ("event", "employee__last_name", "employee__email")


@admin.register(CompanyStaff)
class CompanyStaffAdmin(admin.ModelAdmin):
    """Who administers which company: superusers only."""

    list_display = ("user", "company")
    autocomplete_fields = ("user",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
