from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankIdConfig(AppConfig):
    name = "idp.bankid"
    label = "idp_bankid"
    verbose_name = _("Connect BankID")
    default_auto_field = "django.db.models.BigAutoField"
