"""Company identity providers: superusers only (they decide whom an upstream may vouch for)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from idp.federation.models import FederatedDomain, IdentityProvider, normalize_domain
from idp.federation.services import identity_provider_audit
from idp.models import User
from idp.saml.admin import SuperuserOnly


class FederatedDomainForm(forms.ModelForm):
    class Meta:
        model = FederatedDomain
        fields = ("domain",)

    def clean_domain(self) -> str:
        # "Example.COM." is example.com: normalised before the uniqueness check.
        return normalize_domain(self.cleaned_data.get("domain", ""))


class FederatedDomainInline(admin.TabularInline):
    model = FederatedDomain
    form = FederatedDomainForm
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(SuperuserOnly):
    list_display = ("name", "organization_key", "social_app", "is_active", "domain_list")
    list_filter = ("is_active",)
    search_fields = ("name", "organization_key", "domains__domain")
    inlines = (FederatedDomainInline,)

    @admin.display(description=_("email domains"))
    def domain_list(self, obj: IdentityProvider) -> str:
        return ", ".join(obj.domains.values_list("domain", flat=True))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        identity_provider_audit(provider=form.instance, actor=_actor(request), action="changed" if change else "added")

    def delete_model(self, request: HttpRequest, obj: IdentityProvider) -> None:
        identity_provider_audit(provider=obj, actor=_actor(request), action="deleted")
        super().delete_model(request, obj)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None
