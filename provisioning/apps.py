from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Migration to Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # provisioning is the bridge: it tells idp and hrm about each other
        # without either importing the other.
        from hrm.hooks import register_home_banner
        from idp.saml.attributes import register_attribute_source
        from provisioning import bankid_bridge, mfa_policy
        from provisioning.banner import home_banner
        from provisioning.saml_attributes import hrm_attributes

        bankid_bridge.register()
        mfa_policy.register()
        register_attribute_source(hrm_attributes)
        register_home_banner(home_banner)
