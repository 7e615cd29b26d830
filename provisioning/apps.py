from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Migration to Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hrm.hooks import register_home_banner
        from provisioning.banner import home_banner

        register_home_banner(home_banner)
