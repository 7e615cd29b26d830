from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from config.demo import DEMO_PASSWORD, OPERATOR_EMAIL, OPERATOR_PASSWORD


class Command(BaseCommand):
    help = "Print where to go and which demo logins to try."

    def handle(self, *args: Any, **options: Any) -> None:
        site = settings.SITE_URL
        lines = [
            "",
            "Connect is starting on " + site,
            "",
            f"  HRM, Acme AB (legacy login):      {site}/hrm/acme/login/   username anna (an HRM admin) or bertil,"
            f" password {DEMO_PASSWORD}",
            f"  HRM, Nordkust Bygg AB:            {site}/hrm/nordkust/login/   username hanna,"
            f" password {DEMO_PASSWORD}",
            f"  Connect account page:             {site}/account/",
            f"  Django admin (operator):          {site}/admin/   {OPERATOR_EMAIL} / {OPERATOR_PASSWORD}",
            f"  Dev mailbox (every mail sent):    {site}/dev/mailbox/",
            f"  BankID login (simulated app):     {site}/login/bankid/   who signs: {site}/dev/bankid-simulator/",
            f"  Health:                           {site}/health/",
            "",
        ]
        self.stdout.write("\n".join(lines))
