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
