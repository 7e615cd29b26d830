"""Admin for clients and signing keys. Secrets and private keys are never shown.

The toolkit registers the client model itself with ``ApplicationAdmin``
(OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from idp.oidc.models import Consent, SigningKey


class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "client_type", "is_active", "skip_authorization", "created")
    list_filter = ("client_type", "is_active", "skip_authorization")
    search_fields = ("name", "client_id")
    # The stored secret is a keyed hash and never shown; new secrets come
    # from `manage.py oidc_client create|rotate-secret`, shown once there.
    exclude = ("client_secret", "hash_client_secret", "user")
    readonly_fields = ("client_id", "secret", "created", "updated")

    @admin.display(description=_("client secret"))
    def secret(self, obj: Any) -> str:
        return "********" if obj.client_secret else "—"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "state", "created_at", "activated_at", "retired_at")
    fields = ("kid", "state", "created_at", "activated_at", "retired_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "scope", "created_at")
    readonly_fields = ("user", "application", "scope", "created_at", "updated_at")
