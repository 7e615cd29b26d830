"""allauth.mfa customised for Connect (settings.MFA_ADAPTER)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from idp.signin import known_second_factor


class ConnectMFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        """WebAuthn §5.4.2: the RP ID is Connect's own host from the configured
        SITE_URL, never the request's Host header (allauth's default), so a
        forged Host cannot choose which origin the assertions are checked for."""
        return {"id": urlsplit(settings.SITE_URL).hostname or "localhost", "name": "Connect"}

    def is_mfa_enabled(self, user: Any, types: Any = None) -> bool:
        # At a password sign-in the account's read already answered this (idp.signin).
        known = known_second_factor(user, types)
        return super().is_mfa_enabled(user, types=types) if known is None else known

    def _get_site_name(self) -> str:
        return "Connect"
