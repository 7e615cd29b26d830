"""django-oauth-toolkit: Connect as OpenID Connect provider. Refined by idp.oidc."""

from __future__ import annotations

from config.env import env_int
from config.settings.base import DEBUG, SITE_URL

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # The issuer is exactly the configured site URL (OIDC Discovery 1.0 §4.3).
    "OIDC_ISS_ENDPOINT": SITE_URL,
    "PKCE_REQUIRED": True,
    # Plain http only for development (and loopback redirects of native apps).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    # RFC 9700 (OAuth 2.0 Security BCP): every compliance switch on. No implicit
    # grant (§2.1.2), no password grant (§2.4), no PKCE "plain" (§2.1.1), tokens
    # only in headers/bodies (§4.3.2), `iss` in authorization responses (RFC 9207,
    # §4.4), tokens stored hashed (§4), https redirect URIs (§2.1).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": not DEBUG,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env_int("OIDC_CODE_SECONDS", 60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ACCESS_TOKEN_SECONDS", 300),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("OIDC_ID_TOKEN_SECONDS", 300),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS", 30 * 24 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your name and language",
        "email": "Your email address",
    },
    "DEFAULT_SCOPES": ["openid"],
}
