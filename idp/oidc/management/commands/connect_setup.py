"""Register HRM as Connect's trusted (first-party) client. Idempotent: run it at every start."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from idp.oidc import clients, keys
from idp.oidc.models import Application


class Command(BaseCommand):
    help = "Create or update HRM's OIDC client from HRM_OIDC_* settings, and the first signing key."

    def handle(self, *args: Any, **options: Any) -> None:
        keys.signing_key_active()
        site = settings.SITE_URL.rstrip("/")
        redirect_uri = f"{site}/hrm/oidc/callback/"
        logout_uri = f"{site}/hrm/oidc/logged-out/"
        client_id = settings.HRM_OIDC_CLIENT_ID
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            clients.client_create(
                name="HRM",
                client_type=Application.CLIENT_CONFIDENTIAL,
                redirect_uris=[redirect_uri],
                post_logout_redirect_uris=[logout_uri],
                grants=["authorization_code", "refresh_token"],
                scopes=["openid", "profile", "email"],
                trusted=True,
                client_id=client_id,
                client_secret=settings.HRM_OIDC_CLIENT_SECRET,
            )
            self.stdout.write(f"HRM client {client_id} registered for {redirect_uri}")
            return
        application.redirect_uris = redirect_uri
        application.post_logout_redirect_uris = logout_uri
        application.client_secret = settings.HRM_OIDC_CLIENT_SECRET  # hashed on save
        application.is_active = True
        application.save()
        self.stdout.write(f"HRM client {client_id} updated for {redirect_uri}")
