from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Migration to Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # provisioning is the bridge: it tells idp how to find HRM facts about an
        # account (idp never imports hrm).
        from idp.saml.attributes import register_attribute_source
        from provisioning import bankid_bridge
        from provisioning.saml_attributes import hrm_attributes

        bankid_bridge.register()
        register_attribute_source(hrm_attributes)
