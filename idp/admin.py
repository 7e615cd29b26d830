from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from idp.models import User
from idp.services import account_activate, account_deactivate


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "preferred_language")
    search_fields = ("email", "display_name", "given_name", "family_name")
    readonly_fields = ("id", "date_joined", "last_login", "password")
    # An administrator never sets or sees a password: no password fields here.
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        (_("Profile"), {"fields": ("display_name", "given_name", "family_name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Switching "active" goes through the services: deactivation ends the
        # person's sessions (and, through its signal, their tokens) at once, and
        # both are audited with the admin as actor.
        was_active = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and was_active is not None and was_active != obj.is_active:
            if obj.is_active:
                account_activate(user=obj, actor=request.user)  # type: ignore[arg-type]
            else:
                account_deactivate(user=obj, actor=request.user)  # type: ignore[arg-type]
