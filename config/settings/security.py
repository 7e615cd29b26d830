"""Transport and browser security. Production values switch on with DEBUG off."""

from __future__ import annotations

from config.env import env_bool, env_int
from config.settings.base import DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto. Client addresses
# are never read from X-Forwarded-For unless CONNECT_TRUSTED_PROXY_COUNT says
# how many proxies stand in front (see idp's client address helper).
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONNECT_TRUSTED_PROXY_COUNT = env_int("CONNECT_TRUSTED_PROXY_COUNT", 0)

_production = not DEBUG
SESSION_COOKIE_SECURE = _production
CSRF_COOKIE_SECURE = _production
LANGUAGE_COOKIE_SECURE = _production
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _production)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _production
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _production)
# The health endpoint answers plain HTTP for load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy sent on every response by config.middleware. No inline
# script; forms may post back to us and to registered SAML ACS URLs (SAML's
# HTTP-POST binding auto-submits a form to the service provider).
CONNECT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'", "https:", "http://localhost:*", "http://127.0.0.1:*"] if DEBUG else ["'self'", "https:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# allauth reads the client address for its rate limits from here: the same count.
ALLAUTH_TRUSTED_PROXY_COUNT = CONNECT_TRUSTED_PROXY_COUNT
