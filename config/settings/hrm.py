"""HRM as a relying party of Connect (hrm.oidc). HRM knows Connect only over HTTP."""

from __future__ import annotations

import hashlib
import hmac

from config.env import env_int, env_str
from config.settings.base import SECRET_KEY

# Empty: Connect's issuer is this deployment's SITE_URL (read per request).
HRM_OIDC_ISSUER = env_str("HRM_OIDC_ISSUER")
HRM_OIDC_CLIENT_ID = env_str("HRM_OIDC_CLIENT_ID", "flex-hrm")
# In the embedded setup both sides share SECRET_KEY, so a secret derived from
# it needs no extra configuration; a separate deployment sets it explicitly.
HRM_OIDC_CLIENT_SECRET = env_str(
    "HRM_OIDC_CLIENT_SECRET",
    hmac.new(SECRET_KEY.encode(), b"hrm-oidc-client-secret", hashlib.sha256).hexdigest(),
)
HRM_OIDC_TIMEOUT_SECONDS = env_int("HRM_OIDC_TIMEOUT_SECONDS", 10)
