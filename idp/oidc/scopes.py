"""Scopes in plain words, for the consent page and the connected-applications page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SCOPE_TEXTS = {
    "openid": _("Sign you in with your Connect account"),
    "profile": _("See your name and preferred language"),
    "email": _("See your email address and whether it is verified"),
}


def scope_descriptions(scopes: list[str]) -> list[str]:
    return [str(SCOPE_TEXTS.get(scope, scope)) for scope in scopes]
