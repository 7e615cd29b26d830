"""``python manage.py provisioning <sub-command> --company SLUG``.

Sub-commands are registered in ``SUBCOMMANDS``; the migration switch adds
status/activate/rollback the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import ApplicationError
from hrm.models import Company
from idp import selectors as idp_selectors
from idp.models import User
from provisioning import services


def _start(command: BaseCommand, company: Company, actor: User | None, options: dict[str, Any]) -> None:
    campaign = services.company_start_preparation(company=company, actor=actor)
    command.stdout.write(
        f"company={company.slug} phase=preparing campaign={campaign.pk} employees={campaign.total} "
        f"handled={campaign.processed} status={campaign.status}"
    )


SUBCOMMANDS: dict[str, tuple[str, Callable[[BaseCommand, Company, User | None, dict[str, Any]], None]]] = {
    "start": ("Start the preparation phase: mail every employee a verification link.", _start),
}


class Command(BaseCommand):
    help = "Run the migration of an HRM company to Connect."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (text, _handler) in SUBCOMMANDS.items():
            p = sub.add_parser(name, help=text)
            p.add_argument("--company", required=True, help="the company's slug")
            p.add_argument("--actor", default="", help="email of the operator's Connect account (for the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(slug=options["company"]).first()
        if company is None:
            raise CommandError(f"no company with slug {options['company']!r}")
        actor = None
        if options.get("actor"):
            actor = idp_selectors.account_by_email(options["actor"])
            if actor is None:
                raise CommandError(f"no Connect account {options['actor']!r}")
        try:
            SUBCOMMANDS[options["action"]][1](self, company, actor, options)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
