"""A company's own OpenID Connect provider, for the company-SSO tests.

A real HTTP server in a thread (wsgiref) that speaks OIDC Core's authorization
code flow: discovery (OIDC Discovery §4), authorize (§3.1.2), token (§3.1.3,
client_secret_basic/post, PKCE S256 per RFC 7636 §4.6), userinfo (§5.3), JWKS.
ID tokens are signed RS256 with joserfc. Connect talks to it over HTTP exactly as
it would to Entra ID or Okta; nothing in Connect is replaced.

The "person signed in upstream" is whatever a test puts in ``identity`` (claims):
the authorize page shows it with a "Continue" button, as a real IdP's consent
page would. That is how a test makes upstream assert an unverified address or
one in another company's domain.

It listens on 127.0.0.1 while the live server is ``localhost``: two hosts for
the browser's cookies, as two separate sites would be.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey

Response = tuple[str, list[tuple[str, str]], bytes]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class UpstreamIdP:
    def __init__(self, *, client_id: str = "connect", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris: set[str] = set()
        self.identity: dict[str, Any] = {}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "upstream-1", "use": "sig", "alg": "RS256"})
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self.token_requests = 0
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.issuer = ""

    # --- lifecycle ---------------------------------------------------------------
    def start(self) -> UpstreamIdP:
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_QuietHandler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    # --- WSGI --------------------------------------------------------------------
    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form: dict[str, str] = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        routes: dict[str, Any] = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
            "/jwks": self._jwks,
        }
        handler = routes.get(path)
        if handler is None:
            status, headers, body = "404 Not Found", [("Content-Type", "text/plain")], b"not found"
        else:
            status, headers, body = handler(method, query, form, environ)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _json(data: dict[str, Any], status: str = "200 OK") -> Response:
        return status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], json.dumps(data).encode()

    def _discovery(self, *_: Any) -> Response:
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "email"],
            }
        )

    def _jwks(self, *_: Any) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, method: str, query: dict[str, str], form: dict[str, str], _env: Any) -> Response:
        params = form if method == "POST" else query
        # OIDC Core §3.1.2.1/§3.1.2.6: an unknown client or redirect URI is shown here, never redirected to.
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.redirect_uris:
            return "400 Bad Request", [("Content-Type", "text/plain")], b"unknown client or redirect_uri"
        if method == "GET":
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items()
            )
            who = html.escape(str(self.identity.get("email", "")))
            page = (
                "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Example Corp sign-in</title>"
                "<style>body{font-family:sans-serif;background:#1f3b57;color:#fff;display:grid;place-items:center;"
                "min-height:90vh}main{background:#fff;color:#111;padding:2rem 3rem;border-radius:8px}"
                "button{background:#1f3b57;color:#fff;border:0;padding:.7rem 1.4rem;border-radius:4px}</style>"
                f"</head><body><main><h1>Example Corp</h1><p>Company sign-in</p><p>Signed in as <b>{who}</b></p>"
                f"<p>login_hint: <span id='hint'>{html.escape(query.get('login_hint', ''))}</span></p>"
                f"<form method='post' action='/authorize'>{hidden}<button type='submit'>Continue</button></form>"
                "</main></body></html>"
            )
            return "200 OK", [("Content-Type", "text/html; charset=utf-8")], page.encode()
        code = secrets.token_urlsafe(24)
        self._codes[code] = {
            "redirect_uri": params["redirect_uri"],
            "nonce": params.get("nonce"),
            "challenge": params.get("code_challenge"),
            "claims": dict(self.identity),
            "expires": time.time() + 60,
        }
        target = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params.get("state", "")})
        return "302 Found", [("Location", target)], b""

    def _client_authenticated(self, form: dict[str, str], environ: dict[str, Any]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id == self.client_id and secrets.compare_digest(secret, self.client_secret)

    def _token(self, method: str, _q: dict[str, str], form: dict[str, str], environ: dict[str, Any]) -> Response:
        self.token_requests += 1
        if method != "POST" or not self._client_authenticated(form, environ):
            return self._json({"error": "invalid_client"}, "401 Unauthorized")
        grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["expires"] < time.time() or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return self._json({"error": "invalid_grant"}, "400 Bad Request")
        claims = grant["claims"]
        now = int(time.time())
        id_claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            **({"nonce": grant["nonce"]} if grant["nonce"] else {}),
            **claims,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "upstream-1"}, id_claims, self.key)
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = claims
        return self._json(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    def _userinfo(self, _m: str, _q: dict[str, str], _f: dict[str, str], environ: dict[str, Any]) -> Response:
        header = environ.get("HTTP_AUTHORIZATION", "")
        claims = self._tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if claims is None:
            return "401 Unauthorized", [("WWW-Authenticate", 'Bearer error="invalid_token"')], b""
        return self._json(claims)
