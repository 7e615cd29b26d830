"""How the person in this session authenticated, in OIDC terms.

allauth records each authentication in the session under
``account_authentication_methods`` (a list of {"method", "at", ...}). We map
them to ``amr`` values of RFC 8176 §2 and to an ``acr``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

ACR_SINGLE_FACTOR = "urn:connect:acr:1fa"
ACR_MULTI_FACTOR = "urn:connect:acr:mfa"
ACR_VALUES = [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR]

# allauth MFA types → RFC 8176 method values.
_MFA_AMR = {"totp": "otp", "recovery_codes": "otp", "webauthn": "hwk"}


def session_auth_context(session: Any, user: Any) -> dict[str, Any]:
    methods = session.get("account_authentication_methods") or []
    amr: list[str] = []
    times: list[float] = []
    for entry in methods:
        if not isinstance(entry, dict):
            continue
        method = entry.get("method")
        if isinstance(entry.get("at"), int | float):
            times.append(float(entry["at"]))
        if method == "password":
            amr.append("pwd")
        elif method == "mfa":
            amr.append(_MFA_AMR.get(str(entry.get("type")), "mfa"))
            if entry.get("passwordless"):
                amr.append("user")  # a passkey verifies the user (RFC 8176 §2 "user")
        elif method == "code":
            amr.append("otp")
        elif method == "socialaccount":
            amr.append("fed")
    amr = list(dict.fromkeys(amr))
    if "mfa" not in amr and any(a in amr for a in ("otp", "hwk")) and len(amr) > 1:
        amr.append("mfa")
    auth_time = datetime.fromtimestamp(max(times), tz=UTC) if times else user.last_login or timezone.now()
    acr = ACR_MULTI_FACTOR if "mfa" in amr or "hwk" in amr else ACR_SINGLE_FACTOR
    return {"auth_time": auth_time, "amr": amr, "acr": acr}
