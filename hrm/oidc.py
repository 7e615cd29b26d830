"""HRM as an OpenID Connect relying party of Connect, over HTTP only (Authlib + joserfc).

Authorization code flow with PKCE S256, state and nonce (OIDC Core §3.1).
The pre-login state lives in a signed, short-lived, HttpOnly cookie of HRM's
own, never in Connect's session: HRM is a separate product.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from config.logs import kv

log = logging.getLogger(__name__)

COOKIE = "hrm_oidc"
COOKIE_PATH = "/hrm/oidc/"
COOKIE_SECONDS = 600
_SALT = "hrm.oidc.login"
CALLBACK_PATH = "/hrm/oidc/callback/"
LOGGED_OUT_PATH = "/hrm/oidc/logged-out/"
SCOPE = "openid profile email"


class ConnectLoginError(Exception):
    """The login through Connect could not be completed; ``reason`` is for logs only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ConnectIdentity:
    subject: str
    id_token: str
    claims: dict[str, Any]


def _issuer() -> str:
    return (settings.HRM_OIDC_ISSUER or settings.SITE_URL).rstrip("/")


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def _http() -> requests.Session:
    return requests.Session()


def provider_metadata() -> dict[str, Any]:
    """OIDC Discovery §4: fetch, and check the issuer is exactly the one we trust (§4.3)."""
    issuer = _issuer()
    response = _http().get(f"{issuer}/.well-known/openid-configuration", timeout=settings.HRM_OIDC_TIMEOUT_SECONDS)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    if data.get("issuer") != issuer:
        raise ConnectLoginError("discovery-issuer-mismatch")
    return data


def _client(**kwargs: Any) -> OAuth2Session:
    return OAuth2Session(
        client_id=settings.HRM_OIDC_CLIENT_ID,
        client_secret=settings.HRM_OIDC_CLIENT_SECRET,
        scope=SCOPE,
        redirect_uri=_site() + CALLBACK_PATH,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
        **kwargs,
    )


def login_start(*, slug: str, response_factory: Any) -> HttpResponse:
    """Redirect to Connect's authorization endpoint, remembering state, nonce and
    the PKCE verifier (RFC 7636 §4.1) in HRM's signed cookie."""
    metadata = provider_metadata()
    # The company rides in the state, so one callback URL serves every company.
    state = f"{slug}.{secrets.token_urlsafe(24)}"
    nonce = secrets.token_urlsafe(24)
    verifier = generate_token(64)
    url, _state = _client().create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    response: HttpResponse = response_factory(url)
    pending = signing.dumps({"state": state, "nonce": nonce, "verifier": verifier}, salt=_SALT)
    response.set_cookie(
        COOKIE,
        pending,
        max_age=COOKIE_SECONDS,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def pending_login(request: HttpRequest) -> dict[str, str] | None:
    raw = request.COOKIES.get(COOKIE, "")
    try:
        data = signing.loads(raw, salt=_SALT, max_age=COOKIE_SECONDS) if raw else None
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def state_company(state: str) -> str:
    return state.split(".", 1)[0]


def login_finish(*, request: HttpRequest, pending: dict[str, str]) -> ConnectIdentity:
    """Check the callback, redeem the code and validate the ID token (OIDC Core §3.1.3.7)."""
    params = request.GET
    if not secrets.compare_digest(params.get("state", ""), pending["state"]):
        raise ConnectLoginError("state-mismatch")  # RFC 6749 §10.12: CSRF
    if "error" in params:
        raise ConnectLoginError(f"provider-error:{params.get('error', '')[:40]}")
    metadata = provider_metadata()
    # RFC 9207 §2.4: the iss parameter must be our provider's (mix-up defence).
    if params.get("iss") and params["iss"] != metadata["issuer"]:
        raise ConnectLoginError("iss-mismatch")
    code = params.get("code", "")
    if not code:
        raise ConnectLoginError("no-code")
    try:
        token = _client().fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending["verifier"],
            timeout=settings.HRM_OIDC_TIMEOUT_SECONDS,
        )
    except Exception as exc:  # Authlib raises its own and requests' errors
        log.warning("hrm.oidc.token_failed", extra=kv(error=type(exc).__name__))
        raise ConnectLoginError("token-request-failed") from None
    id_token = str(token.get("id_token", ""))
    if not id_token:
        raise ConnectLoginError("no-id-token")
    claims = validate_id_token(id_token=id_token, metadata=metadata, nonce=pending["nonce"])
    return ConnectIdentity(subject=str(claims["sub"]), id_token=id_token, claims=claims)


def validate_id_token(*, id_token: str, metadata: dict[str, Any], nonce: str) -> dict[str, Any]:
    jwks = _http().get(metadata["jwks_uri"], timeout=settings.HRM_OIDC_TIMEOUT_SECONDS).json()
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
        # OIDC Core §3.1.3.7: iss exact, aud has our client_id, not expired, nonce echoed.
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.HRM_OIDC_CLIENT_ID},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
            leeway=30,
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        log.warning("hrm.oidc.id_token_refused", extra=kv(error=type(exc).__name__))
        raise ConnectLoginError("id-token-invalid") from None
    return dict(decoded.claims)


def logout_url(*, id_token: str, slug: str) -> str:
    """RP-initiated logout at Connect (OIDC RP-Initiated Logout 1.0 §2)."""
    from urllib.parse import urlencode

    endpoint = provider_metadata()["end_session_endpoint"]
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.HRM_OIDC_CLIENT_ID,
            "post_logout_redirect_uri": _site() + LOGGED_OUT_PATH,
            "state": slug,
        }
    )
    return f"{endpoint}?{query}"
