"""Connect's OpenID Connect endpoints: the toolkit's views with our rules on top.

Discovery (OIDC Discovery §3, RFC 8414 §2), JWKS from the database keys, and
the authorization endpoint with prompt, max_age, login_hint, ui_locales
(OIDC Core §3.1.2.1) and remembered consent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import AccessToken
from oauth2_provider.settings import oauth2_settings

from idp.oidc import consents, keys
from idp.oidc.authn import ACR_VALUES, session_auth_context
from idp.oidc.models import Application
from idp.oidc.scopes import scope_descriptions


def _endpoints(request: HttpRequest) -> dict[str, Any]:
    """What Connect really serves, absolute under the issuer (read per request)."""
    issuer = oauth2_settings.oidc_issuer(request)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/o/authorize/",
        "token_endpoint": f"{issuer}/o/token/",
        "userinfo_endpoint": f"{issuer}/o/userinfo/",
        "jwks_uri": f"{issuer}/o/jwks/",
        "introspection_endpoint": f"{issuer}/o/introspect/",
        "revocation_endpoint": f"{issuer}/o/revoke/",
        "end_session_endpoint": f"{issuer}/o/logout/",
        "scopes_supported": list(oauth2_settings.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],  # RFC 9700 §2.1.1: no "plain"
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "authorization_response_iss_parameter_supported": True,
        "ui_locales_supported": [code for code, _name in settings.LANGUAGES],
    }


def discovery(request: HttpRequest) -> JsonResponse:
    # OIDC Discovery 1.0 §3; the toolkit's document omits introspection,
    # revocation and most claims, so it is written here in full.
    data = _endpoints(request)
    data.update(
        {
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": oauth2_settings.OAUTH2_VALIDATOR_CLASS().get_discovery_claims(request),
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "prompt_values_supported": ["none", "login", "consent"],
            "acr_values_supported": ACR_VALUES,
            "frontchannel_logout_supported": False,
            "backchannel_logout_supported": False,
        }
    )
    response = JsonResponse(data)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def server_metadata(request: HttpRequest) -> JsonResponse:
    # RFC 8414 §2: the same facts for plain OAuth 2.0 clients.
    response = JsonResponse(_endpoints(request))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def jwks(request: HttpRequest) -> JsonResponse:
    # RFC 7517 §5: every key that signs, will sign, or signed a live token.
    response = JsonResponse({"keys": keys.published_keys()})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={oauth2_settings.OIDC_JWKS_MAX_AGE_SECONDS}"
    return response


def _without(url: str, *names: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), (name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


class AuthorizationView(dot_views.AuthorizationView):
    template_name = "idp/oidc/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # OIDC Core §3.1.2.1 ui_locales: the first language we have, for our pages.
        self.ui_language = ""
        for tag in request.GET.get("ui_locales", "").split():
            language = translation.get_supported_language_variant(tag.lower()) if tag else ""
            if language:
                self.ui_language = language
                break
        if self.ui_language:
            translation.activate(self.ui_language)
            request.LANGUAGE_CODE = self.ui_language
        response = super().dispatch(request, *args, **kwargs)
        if self.ui_language:
            # The login page is another request: carry the language there.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                self.ui_language,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
        return response

    def _login_redirect(self, next_url: str) -> HttpResponse:
        login_url = resolve_url(self.get_login_url())
        hint = self.request.GET.get("login_hint", "")
        if hint:
            # OIDC Core §3.1.2.1 login_hint: prefills the email step.
            login_url = _with_param(login_url, "login_hint", hint[:254])
        return redirect_to_login(next_url, login_url, self.get_redirect_field_name())

    def handle_no_permission(self) -> HttpResponse:
        response = super().handle_no_permission()
        prompt = set(self.request.GET.get("prompt", "").split())
        if "none" in prompt or response.status_code != 302:
            return response
        return self._login_redirect(_without(self.request.get_full_path(), "prompt", "max_age"))

    def _validated(self, request: HttpRequest) -> tuple[list[str], dict[str, Any], Application] | HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            # Unknown client or unregistered redirect URI: our own page, never a
            # redirect (RFC 6749 §4.1.2.1).
            return self.error_response(error, application=None)
        application = Application.objects.get(client_id=credentials["client_id"])
        return scopes, credentials, application

    def _error_to_client(self, credentials: dict[str, Any], application: Application, error: str) -> HttpResponse:
        params = {"error": error, "iss": oauth2_settings.oidc_issuer(self.request)}
        if credentials.get("state"):
            params["state"] = credentials["state"]
        uri = credentials["redirect_uri"]
        return self.redirect(uri + ("&" if "?" in uri else "?") + urlencode(params), application)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        validated = self._validated(request)
        if isinstance(validated, HttpResponse):
            return validated
        scopes, credentials, application = validated
        prompt = set(request.GET.get("prompt", "").split())
        context = session_auth_context(request.session, request.user)
        max_age = request.GET.get("max_age", "")
        too_old = max_age.isdigit() and time.time() - context["auth_time"].timestamp() > int(max_age)
        if "none" in prompt:
            # OIDC Core §3.1.2.6: no page may be shown; tell the client why.
            if getattr(request, "connect_mfa_setup_required", False):  # idp.mfa.middleware: company rule
                return self._error_to_client(credentials, application, "interaction_required")
            if too_old:
                return self._error_to_client(credentials, application, "login_required")
            if not application.is_trusted and not consents.consent_covers(
                user=request.user, application=application, scopes=scopes
            ):
                return self._error_to_client(credentials, application, "consent_required")
        elif "login" in prompt or too_old:
            # OIDC Core §3.1.2.1 prompt=login / max_age: authenticate again.
            logout(request)
            return self._login_redirect(_without(request.get_full_path(), "prompt", "max_age"))
        if "consent" not in prompt and (
            application.is_trusted or consents.consent_covers(user=request.user, application=application, scopes=scopes)
        ):
            try:
                uri, _headers, _body, _status = self.create_authorization_response(
                    request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
                )
            except OAuthToolkitError as error:
                return self.error_response(error, application)
            return self.redirect(uri, application)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "scopes" in context:
            context["scope_texts"] = scope_descriptions(context["scopes"])
        return context

    def create_authorization_response(self, request: HttpRequest, scopes: Any, credentials: Any, allow: Any) -> Any:
        credentials["connect_auth"] = session_auth_context(request.session, request.user)
        result = super().create_authorization_response(request, scopes, credentials, allow)
        if allow and not self._is_trusted(credentials):
            consents.consent_give(user=request.user, client_id=credentials["client_id"], scope=str(scopes))
        return result

    def _is_trusted(self, credentials: dict[str, Any]) -> bool:
        return Application.objects.filter(client_id=credentials.get("client_id"), skip_authorization=True).exists()

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        response = super().error_response(error, application, **kwargs)
        if response.status_code == 200:
            response.status_code = 400
        return response


class LogoutView(dot_views.RPInitiatedLogoutView):
    template_name = "idp/oidc/logout.html"


def _basic_client_id(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.split(":", 1)[0])
    return str(request.POST.get("client_id", ""))


@method_decorator(require_POST, name="dispatch")
class IntrospectView(dot_views.IntrospectTokenView):
    """RFC 7662 §2.1, POST only (tokens never in URLs, RFC 9700 §4.3.2); a client
    learns about its own tokens only (§4: "the authorization server ... MAY
    respond differently to different protected resources")."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token_value = request.POST.get("token")
        if not token_value:
            return super().post(request, *args, **kwargs)
        token = (
            AccessToken.objects.select_related("application", "user")
            .filter(token_checksum=hashlib.sha256(token_value.encode()).hexdigest())
            .first()
        )
        client_id = _basic_client_id(request)
        if token is None or token.application is None or token.application.client_id != client_id:
            return JsonResponse({"active": False})
        response = super().post(request, *args, **kwargs)
        data = json.loads(response.content)
        if data.get("active"):
            data.pop("username", None)
            data["token_type"] = "Bearer"  # noqa: S105 (a type name, RFC 7662 §2.2)
            if token.user_id:
                data["sub"] = str(token.user_id)
        return JsonResponse(data)
