from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hrm import services
from hrm.models import Company, Employee


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "login_method")
    search_fields = ("name", "slug")
    readonly_fields = ("login_method",)


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("employee_number", "first_name", "last_name", "email", "company", "is_hrm_admin", "is_active")
    list_filter = ("company", "is_active", "is_hrm_admin")
    search_fields = ("employee_number", "first_name", "last_name", "email", "legacy_username")
    list_select_related = ("company",)
    # The personal number is shown masked only, and no password hash is shown at all.
    exclude = ("personal_number_hash", "legacy_password_hash")
    readonly_fields = ("personal_number_masked", "connect_subject", "is_active")
    actions = ("deactivate",)

    # Through the service, not the checkbox: leaving ends every open HRM session now.
    @admin.action(description=_("Deactivate (left the company): end their HRM access now"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Employee]) -> None:
        count = 0
        for employee in queryset.filter(is_active=True):
            services.employee_deactivate(employee=employee)
            count += 1
        self.message_user(request, _("Deactivated: %(n)d.") % {"n": count}, messages.SUCCESS)
