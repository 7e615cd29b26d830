from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "idp.audit"
    label = "idp_audit"
    verbose_name = _("Connect audit log")
    default_auto_field = "django.db.models.BigAutoField"
