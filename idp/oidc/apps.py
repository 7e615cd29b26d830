from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "idp.oidc"
    label = "idp_oidc"
    verbose_name = _("Connect OpenID Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from idp.oidc import signals

        signals.connect()
        _hide_token_tables_from_admin()


def _hide_token_tables_from_admin() -> None:
    """Tokens are never shown in the admin (SECURITY.md), not even as hashes: the
    toolkit registers its token tables there; take them away again. A person's
    tokens are ended from "Connected applications" or by deactivating them."""
    from django.contrib import admin
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    for model in (get_access_token_model(), get_refresh_token_model(), get_id_token_model(), get_grant_model()):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
