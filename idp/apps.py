from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    name = "idp"
    verbose_name = _("Connect accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from idp import receivers  # noqa: F401  (connects the audit receivers)

        # last_login is stamped with the sign-in's audit row, in one commit
        # (idp.services.account_signed_in), not by a separate save.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
