"""Admin for the SP registry and the signing keys. Only superusers manage them
(SECURITY.md, Admin); the private key is never shown, only kid, state, dates."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from idp.saml.models import SamlSession, ServiceProvider, SigningKey


class SuperuserOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(SuperuserOnly):
    list_display = ["entity_id", "name", "nameid_format", "allow_idp_initiated", "authn_requests_signed"]
    search_fields = ["entity_id", "name"]
    # Metadata is changed through `manage.py saml_sp add`, which validates it.
    readonly_fields = ["entity_id", "metadata_xml", "authn_requests_signed", "created_at", "updated_at"]
    fields = [*readonly_fields[:1], "name", "attributes", "nameid_format", "allow_idp_initiated", *readonly_fields[1:]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(SuperuserOnly):
    list_display = ["kid", "state", "not_after", "created_at", "activated_at", "retired_at"]
    # Never the private key; the certificate is public and in the metadata anyway.
    fields = ("kid", "state", "not_after", "created_at", "activated_at", "retired_at")
    readonly_fields = ("kid", "state", "not_after", "created_at", "activated_at", "retired_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SamlSession)
class SamlSessionAdmin(SuperuserOnly):
    list_display = ["service_provider", "user", "created_at"]
    fields = ("service_provider", "user", "name_id_format", "created_at")
    readonly_fields = ("service_provider", "user", "name_id_format", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
