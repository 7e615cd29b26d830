"""Registering and managing OAuth clients (the operator command and the admin use these)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, RefreshToken

from config.errors import ApplicationError
from idp.audit.services import audit_record
from idp.oidc.models import Application

GRANTS = ("authorization_code", "refresh_token", "client_credentials")


class ClientError(ApplicationError):
    code = "client_invalid"


@dataclass(frozen=True)
class IssuedClient:
    application: Application
    client_secret: str  # plaintext, to show once; "" for a public client


def new_secret() -> str:
    # 256 bits from the OS CSPRNG (RFC 6749 §10.10, RFC 9700 §4.15).
    return secrets.token_urlsafe(32)


def client_create(
    *,
    name: str,
    client_type: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] | None = None,
    grants: list[str] | None = None,
    scopes: list[str] | None = None,
    trusted: bool = False,
    client_id: str = "",
    client_secret: str = "",
    actor: Any = None,
) -> IssuedClient:
    if client_type not in (Application.CLIENT_CONFIDENTIAL, Application.CLIENT_PUBLIC):
        raise ClientError(_("The client type must be confidential or public."))
    grants = list(dict.fromkeys(grants or ["authorization_code", "refresh_token"]))
    unknown = [grant for grant in grants if grant not in GRANTS]
    if unknown:
        raise ClientError(_("Unknown grant type: %(grant)s.") % {"grant": ", ".join(unknown)})
    if "client_credentials" in grants and client_type == Application.CLIENT_PUBLIC:
        # RFC 6749 §4.4: only confidential clients can use client credentials.
        raise ClientError(_("A public client cannot use client credentials."))
    if "authorization_code" in grants and not redirect_uris:
        raise ClientError(_("A client that signs people in needs at least one redirect URI."))
    main = (
        Application.GRANT_AUTHORIZATION_CODE if "authorization_code" in grants else Application.GRANT_CLIENT_CREDENTIALS
    )
    secret = new_secret() if client_type == Application.CLIENT_CONFIDENTIAL else ""
    secret = client_secret or secret
    application = Application(
        name=name,
        client_type=client_type,
        authorization_grant_type=main,
        grant_types=" ".join(grants),
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
        allowed_scopes=" ".join(scopes or []),
        skip_authorization=trusted,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
    )
    if client_id:
        application.client_id = client_id
    try:
        application.full_clean()
    except ValidationError as exc:
        messages = [str(m) for errors in exc.message_dict.values() for m in errors]
        raise ClientError("; ".join(messages)) from None
    with transaction.atomic():
        application.save()
        audit_record(event="oidc.client.created", actor=actor, client=application.client_id, type=client_type)
    return IssuedClient(application=application, client_secret=secret)


def _client(client_id: str) -> Application:
    application = Application.objects.filter(client_id=client_id).first()
    if application is None:
        raise ClientError(_("No client with that client_id."), code="client_unknown")
    return application


def client_disable(*, client_id: str, actor: Any = None) -> Application:
    """Disable a client and end every token it holds."""
    application = _client(client_id)
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(is_active=False)
        RefreshToken.objects.filter(application=application, revoked__isnull=True).update(revoked=timezone.now())
        AccessToken.objects.filter(application=application).delete()
        audit_record(event="oidc.client.disabled", actor=actor, client=client_id)
    application.is_active = False
    return application


def client_rotate_secret(*, client_id: str, actor: Any = None) -> IssuedClient:
    application = _client(client_id)
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise ClientError(_("A public client has no secret."))
    secret = new_secret()
    with transaction.atomic():
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
        audit_record(event="oidc.client.secret_rotated", actor=actor, client=client_id)
    return IssuedClient(application=application, client_secret=secret)


def client_summary(application: Application) -> dict[str, Any]:
    return {
        "client_id": application.client_id,
        "name": application.name,
        "type": application.client_type,
        "active": application.is_active,
        "trusted": application.skip_authorization,
        "grants": application.grant_types.split(),
        "scopes": application.allowed_scopes.split(),
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
    }


def post_logout_redirect_registered(url: str) -> bool:
    """Whether ``url`` is a registered post_logout_redirect_uri of an active client,
    possibly with the ``state`` Connect appended (OIDC RP-Initiated Logout 1.0 §3)."""
    base = url.split("?", 1)[0].split("#", 1)[0]
    if not base:
        return False
    for uris in Application.objects.filter(is_active=True, post_logout_redirect_uris__contains=base).values_list(
        "post_logout_redirect_uris", flat=True
    ):
        for registered in uris.split():
            if url == registered or url.startswith((registered + "?", registered + "&")):
                return True
    return False
