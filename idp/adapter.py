"""allauth is customised here and through templates only (house style)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class ConnectAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "CONNECT_OPEN_SIGNUP", True))

    def build_absolute_uri(self, request: HttpRequest | None, location: str, protocol: str | None = None) -> str:
        """Every link in every mail starts at the configured SITE_URL, never at the
        request's Host header (host-header poisoning of reset links)."""
        if location.startswith(("http://", "https://")):
            return location
        return settings.SITE_URL + location
