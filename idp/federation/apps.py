from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "idp.federation"
    label = "idp_federation"
    verbose_name = _("Company SSO")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from idp.federation import receivers  # noqa: F401  (connects the signal receivers)
