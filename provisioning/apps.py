from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Migration to Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from idp.bankid.identity import register_identity_resolver
        from provisioning.bankid_bridge import resolve_bankid_subject

        register_identity_resolver(resolve_bankid_subject)
