from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamlConfig(AppConfig):
    name = "idp.saml"
    label = "idp_saml"
    verbose_name = _("Connect SAML 2.0")
    default_auto_field = "django.db.models.BigAutoField"
