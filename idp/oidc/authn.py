"""How the person in this session authenticated, in OIDC terms (OIDC Core §2:
``auth_time``, ``amr``, ``acr``). The mapping itself is shared with SAML and
lives in ``idp.authn_methods``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from idp.authn_methods import ACR_MULTI_FACTOR, ACR_SINGLE_FACTOR, ACR_VALUES, authn_summary

__all__ = ["ACR_MULTI_FACTOR", "ACR_SINGLE_FACTOR", "ACR_VALUES", "session_auth_context"]


def session_auth_context(session: Any, user: Any) -> dict[str, Any]:
    summary = authn_summary(session.get("account_authentication_methods"))
    times = summary.times
    auth_time = datetime.fromtimestamp(max(times), tz=UTC) if times else user.last_login or timezone.now()
    return {"auth_time": auth_time, "amr": summary.amr, "acr": summary.acr}
