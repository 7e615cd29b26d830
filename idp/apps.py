from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    name = "idp"
    verbose_name = _("Connect accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from idp import receivers  # noqa: F401  (connects the audit receivers)
