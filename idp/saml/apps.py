from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamlConfig(AppConfig):
    name = "idp.saml"
    label = "idp_saml"
    verbose_name = _("Connect SAML 2.0")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from idp.saml.middleware import on_user_logged_out

        user_logged_out.connect(on_user_logged_out, dispatch_uid="idp_saml_logout")
