"""Connect's rules on top of django-oauth-toolkit's validator.

Claims (OIDC Core §5.1), how the person authenticated (auth_time/amr/acr,
OIDC Core §2 and RFC 8176), signing with the database key (``keys``), client
scope limits, and the absolute lifetime of refresh-token families.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import router, transaction
from django.db.models import Min
from django.utils import timezone
from jwcrypto import jws, jwt
from oauth2_provider.models import AbstractApplication, IDToken, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from config.logs import kv
from idp import selectors as idp_selectors
from idp.oidc.keys import signing_key_active, signing_key_by_kid
from idp.oidc.models import AuthContext

log = logging.getLogger(__name__)


class ConnectOAuth2Validator(OAuth2Validator):
    # Only the claims Connect really has (OIDC Core §5.4: scope → claims).
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "given_name": "profile",
        "family_name": "profile",
        "locale": "profile",
        "email": "email",
        "email_verified": "email",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "name": user.display_name or f"{user.given_name} {user.family_name}".strip(),
            "given_name": user.given_name,
            "family_name": user.family_name,
            "locale": user.preferred_language or settings.LANGUAGE_CODE,
            "email": user.email,
            "email_verified": idp_selectors.email_is_verified(user),
        }

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*self.oidc_claim_scope, "auth_time", "amr", "acr", "iss", "aud", "exp", "iat", "nonce"]

    # --- client limits -----------------------------------------------------------

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        # RFC 6749 §3.3: the server may refuse scopes beyond what the client is allowed.
        allowed = client.scopes_allowed() if client is not None else None
        if allowed is not None and not set(scopes) <= allowed:
            log.info("oidc.scope.refused", extra=kv(client=client_id, rule="rfc6749-3.3"))
            return False
        return bool(super().validate_scopes(client_id, scopes, client, request, *args, **kw))

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        # RFC 6749 §5.2 unauthorized_client: refresh only for clients registered for it.
        if grant_type == "refresh_token" and client.grant_types.strip():
            return "refresh_token" in client.grant_types.split()
        return bool(super().validate_grant_type(client_id, grant_type, client, request, *args, **kw))

    # OIDC Core §3.1.2.1 prompt=none: the authorization view decides (the
    # session is there, and so is the consent); oauthlib only asks.
    def validate_silent_login(self, request: Any) -> bool:
        return True

    def validate_silent_authorization(self, request: Any) -> bool:
        return True

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        valid = super().validate_bearer_token(token, scopes, request)
        # An access token of a deactivated account answers nothing (userinfo).
        return bool(valid) and (request.user is None or request.user.is_active)

    # --- how the person authenticated --------------------------------------------

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        grant = super()._create_authorization_code(request, code, expires)
        auth = getattr(request, "connect_auth", None) or {}
        AuthContext.objects.create(
            grant=grant,
            code_hash=hashlib.sha256(code["code"].encode()).hexdigest(),
            auth_time=auth.get("auth_time") or timezone.now(),
            amr=auth.get("amr", []),
            acr=auth.get("acr", ""),
        )
        return grant

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kw: Any) -> bool:
        valid = super().validate_code(client_id, code, client, request, *args, **kw)
        if valid and not request.user.is_active:
            return False
        if valid:
            request.connect_context = AuthContext.objects.filter(grant__code=code, grant__application=client).first()
            return True
        # RFC 6749 §4.1.2 / RFC 9700 §4.2.4: a code used twice is a stolen code;
        # revoke what its first redemption issued.
        redeemed = AuthContext.objects.filter(
            code_hash=hashlib.sha256(code.encode()).hexdigest(), grant__isnull=True, token_family__isnull=False
        ).first()
        if redeemed is not None:
            RefreshToken.revoke_family(redeemed.token_family)
            log.warning("oidc.code.replayed", extra=kv(client=client_id, rule="rfc6749-4.1.2"))
        return False

    def _create_refresh_token(self, request: Any, refresh_token_code: str, access_token: Any, previous: Any) -> Any:
        token = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        context = getattr(request, "connect_context", None)
        if previous is None and context is not None:
            AuthContext.objects.filter(pk=context.pk).update(token_family=token.token_family)
        return token

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kw: Any) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kw):
            return False
        if not request.user.is_active:
            # SECURITY.md: a deactivated account's refresh tokens are dead.
            log.info("oidc.refresh.refused", extra=kv(client=client.client_id, rule="account-inactive"))
            return False
        family = request.refresh_token_instance.token_family
        if family is not None:
            # RFC 9700 §4.14.2: refresh tokens have an absolute lifetime, counted
            # from the first token of the family, however often it was rotated.
            started = RefreshToken.objects.filter(token_family=family).aggregate(first=Min("created"))["first"]
            limit = timedelta(seconds=settings.OIDC_REFRESH_TOKEN_ABSOLUTE_SECONDS)
            if started is not None and started + limit <= timezone.now():
                log.info("oidc.refresh.refused", extra=kv(client=client.client_id, rule="absolute-lifetime"))
                return False
            request.connect_context = AuthContext.objects.filter(token_family=family).first()
        return True

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> tuple[dict[str, Any], Any]:
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        context = getattr(request, "connect_context", None)
        if context is not None:
            # OIDC Core §2: auth_time is when the person authenticated, and stays
            # so in ID tokens from refreshes (§12.2).
            claims["auth_time"] = int(context.auth_time.timestamp())
            if context.amr:
                claims["amr"] = context.amr
            if context.acr:
                claims["acr"] = context.acr
        return claims, expiration

    # --- signing with the database key -------------------------------------------

    def finalize_id_token(self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Any) -> str:
        if request.client.algorithm != AbstractApplication.RS256_ALGORITHM:
            return str(super().finalize_id_token(id_token, token, token_handler, request))
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key = signing_key_active()  # one key for header and signature, even mid-rotation
        header = {"typ": "JWT", "alg": "RS256", "kid": key.kid}
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(key.jwk)
        with transaction.atomic(using=router.db_for_write(IDToken)):
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return str(signed.serialize())

    def _get_key_for_token(self, token: str) -> Any:
        """The key named by the token's ``kid`` (RFC 7515 §4.1.4), any state."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header
        if isinstance(header, list):
            return None
        kid = header.get("kid")
        if not kid:
            return super()._get_key_for_token(token)
        key = signing_key_by_kid(str(kid))
        return key.jwk if key is not None else None
