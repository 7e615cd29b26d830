"""The switch in the admin: the readiness page, activate (after a confirmation
page that shows the report), schedule, and an operator's rollback. Every button
posts to a view that calls one service; the services audit with the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from provisioning import selectors, services
from provisioning.models import CompanyMigration, Phase


class SwitchAdminMixin(admin.ModelAdmin):
    def switch_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/switch/", view(self.switch_view), name="provisioning_switch"),
            path("<int:pk>/switch/activate/", view(self.activate_view), name="provisioning_activate"),
            path("<int:pk>/switch/schedule/", view(self.schedule_view), name="provisioning_schedule"),
            path("<int:pk>/switch/rollback/", view(self.rollback_view), name="provisioning_rollback"),
        ]

    def _migration(self, request: HttpRequest, pk: int) -> CompanyMigration:
        return get_object_or_404(self.get_queryset(request).select_related("company"), pk=pk)

    def _page(self, request: HttpRequest, migration: CompanyMigration, template: str, **extra: Any) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Switch %(company)s to Connect") % {"company": migration.company},
            "migration": migration,
            "report": selectors.company_readiness(company=migration.company),
            "can_rollback": request.user.is_superuser and migration.phase == Phase.CONNECT,
            "opts": self.model._meta,
            **extra,
        }
        return TemplateResponse(request, template, context)

    def _back(self, migration: CompanyMigration) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:provisioning_switch", args=[migration.pk]))

    def switch_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self._migration(request, pk), "admin/provisioning/switch.html")

    def activate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        migration = self._migration(request, pk)
        if request.method != "POST" or request.POST.get("post") != "yes":
            return self._page(request, migration, "admin/provisioning/switch_confirm.html", action="activate")
        try:
            services.company_activate(company=migration.company, actor=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, _("%(company)s now logs in with Connect.") % {"company": migration.company}, messages.SUCCESS
            )
        return self._back(migration)

    def schedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        migration = self._migration(request, pk)
        if request.method != "POST":
            return self._back(migration)
        raw = request.POST.get("at", "").strip()
        at: datetime | None = None
        if raw:
            try:
                at = datetime.fromisoformat(raw)
            except ValueError:
                self.message_user(request, _("Enter a date and time, like 2027-01-15 06:00."), messages.ERROR)
                return self._back(migration)
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        try:
            services.company_schedule_activation(company=migration.company, at=at, actor=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            text = _("The switch is scheduled.") if at else _("The scheduled switch is cancelled.")
            self.message_user(request, text, messages.SUCCESS)
        return self._back(migration)

    def rollback_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        migration = self._migration(request, pk)
        if not request.user.is_superuser:
            self.message_user(request, _("Only an operator (superuser) may roll back."), messages.ERROR)
            return self._back(migration)
        if request.method != "POST" or request.POST.get("post") != "yes":
            return self._page(request, migration, "admin/provisioning/switch_confirm.html", action="rollback")
        try:
            services.company_rollback(company=migration.company, actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(company)s is back on its legacy login.") % {"company": migration.company},
                messages.SUCCESS,
            )
        return self._back(migration)
