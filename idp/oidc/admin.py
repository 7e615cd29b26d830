"""Admin for clients and signing keys. Secrets and private keys are never shown.

The toolkit registers the client model itself with ``ApplicationAdmin``
(OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from idp.oidc import clients
from idp.oidc.models import Consent, SigningKey


class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "client_type", "is_active", "skip_authorization", "created")
    list_filter = ("client_type", "is_active", "skip_authorization")
    search_fields = ("name", "client_id")
    # The stored secret is a keyed hash and never shown; new secrets come
    # from `manage.py oidc_client create|rotate-secret`, shown once there.
    exclude = ("client_secret", "hash_client_secret", "user")
    readonly_fields = ("client_id", "secret", "created", "updated")

    actions = ("rotate_secret",)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"algorithm": "RS256", **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        secret = ""
        if not change and obj.client_type == obj.CLIENT_CONFIDENTIAL:
            secret = clients.new_secret()
            obj.client_secret = secret  # hashed on save
        elif not change:
            obj.client_secret = ""
        super().save_model(request, obj, form, change)
        if secret:
            # Shown once, right now; only its keyed hash is stored.
            messages.warning(request, _("Client secret, shown only this once: %(secret)s") % {"secret": secret})

    @admin.action(description=_("Rotate the client secret (shown once)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for application in queryset:
            try:
                issued = clients.client_rotate_secret(client_id=application.client_id, actor=request.user)
            except clients.ClientError as exc:
                messages.error(request, f"{application.name}: {exc.message}")
                continue
            messages.warning(
                request,
                _("New secret for %(name)s, shown only this once: %(secret)s")
                % {"name": application.name, "secret": issued.client_secret},
            )

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
