"""The audit log in the admin: filterable and searchable, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from idp.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "user", "email", "ip_address", "actor")
    list_filter = ("event", ("created_at", admin.DateFieldListFilter))
    search_fields = ("email", "user__email", "ip_address", "event")
    date_hierarchy = "created_at"
    list_select_related = ("user", "actor")
    readonly_fields = ("created_at", "event", "user", "actor", "email", "ip_address", "user_agent", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only the retention job deletes (audit_prune).
        return False
