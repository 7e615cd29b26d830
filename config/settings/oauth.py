"""django-oauth-toolkit: Connect as OpenID Connect provider. Refined by idp.oidc."""

from __future__ import annotations

from config.env import env_int
from config.settings.base import DEBUG, SITE_URL

# Our client model (idp.oidc.models.Application): signs with the database key
# that is active now, and can be disabled.
OAUTH2_PROVIDER_APPLICATION_MODEL = "idp_oidc.Application"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"

# Refresh tokens die at the latest this long after the login that started
# their family, however often they were used (RFC 9700 §4.14.2).
OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS = env_int("OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS", 30 * 24 * 3600)
# A signing key signs for this long; the next one is published at least
# OIDC_JWKS_MAX_AGE_SECONDS before it takes over.
OIDC_KEY_ROTATION_DAYS = env_int("OIDC_KEY_ROTATION_DAYS", 90)

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
    # The toolkit's refresh lifetime slides with use: our idle limit. The
    # absolute limit is OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS (idp.oidc.validators).
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OIDC_REFRESH_TOKEN_IDLE_SECONDS", 14 * 24 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "OAUTH2_VALIDATOR_CLASS": "idp.oidc.validators.ConnectOAuth2Validator",
    # Client secrets: a fast keyed hash (idp.oidc.hashers), not the password hasher.
    "CLIENT_SECRET_HASHER": "connect_hmac_sha256",
    "APPLICATION_ADMIN_CLASS": "idp.oidc.admin.ApplicationAdmin",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your name and language",
        "email": "Your email address",
    },
    "DEFAULT_SCOPES": ["openid"],
}
