"""``python manage.py provisioning <sub-command> --company SLUG``.

Sub-commands are registered in ``SUBCOMMANDS``; the migration switch adds
status/activate/rollback the same way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from config.errors import ApplicationError
from hrm.models import Company
from idp import selectors as idp_selectors
from idp.models import User
from provisioning import selectors, services


def _start(command: BaseCommand, company: Company, actor: User | None, options: dict[str, Any]) -> None:
    campaign = services.company_start_preparation(company=company, actor=actor)
    command.stdout.write(
        f"company={company.slug} phase=preparing campaign={campaign.pk} employees={campaign.total} "
        f"handled={campaign.processed} status={campaign.status}"
    )


def _print_readiness(command: BaseCommand, company: Company, *, as_json: bool) -> None:
    report = selectors.company_readiness(company=company)
    if as_json:
        command.stdout.write(json.dumps(report.as_dict(), indent=2))
        return
    w = command.stdout.write
    w(f"company={company.slug} phase={report.phase} planned={report.planned_activation_at or '-'}")
    w(f"employees={report.total} linked={report.linked} with_password={report.with_password} "
      f"covered_by_sso={report.covered_by_sso} not_provisioned={report.not_provisioned_total}")  # fmt: skip
    for code, label, n in report.reasons:
        w(f"  {code:<14} {n:>7}  {label}")
    for row in report.not_provisioned:
        w(f"  - {row.employee.employee_number} {row.employee.full_name}: {row.reason}")


def _status(command: BaseCommand, company: Company, actor: User | None, options: dict[str, Any]) -> None:
    _print_readiness(command, company, as_json=options.get("json", False))


def _confirmed(command: BaseCommand, question: str, options: dict[str, Any]) -> None:
    """Without --yes: ask on a terminal, refuse when nobody can answer."""
    if options.get("yes"):
        return
    if not sys.stdin.isatty():
        raise CommandError("not confirmed: run it on a terminal to answer, or add --yes")
    if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
        raise CommandError("not confirmed: nothing changed")


def _activate(command: BaseCommand, company: Company, actor: User | None, options: dict[str, Any]) -> None:
    _print_readiness(command, company, as_json=False)
    at = options.get("at")
    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise CommandError(f"--at: not an ISO date and time: {at!r}") from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        _confirmed(command, f"Schedule the switch of {company.slug} to Connect at {moment.isoformat()}?", options)
        migration = services.company_schedule_activation(company=company, at=moment, actor=actor)
        command.stdout.write(f"company={company.slug} phase={migration.phase} planned={moment.isoformat()}")
        return
    _confirmed(command, f"Switch {company.slug} to Connect now? Its legacy login stops working.", options)
    migration = services.company_activate(company=company, actor=actor)
    command.stdout.write(f"company={company.slug} phase={migration.phase}")


def _rollback(command: BaseCommand, company: Company, actor: User | None, options: dict[str, Any]) -> None:
    _confirmed(command, f"Roll {company.slug} back to its legacy login?", options)
    migration = services.company_rollback(company=company, actor=actor)
    command.stdout.write(f"company={company.slug} phase={migration.phase}")


SUBCOMMANDS: dict[str, tuple[str, Callable[[BaseCommand, Company, User | None, dict[str, Any]], None]]] = {
    "start": ("Start the preparation phase: mail every employee a verification link.", _start),
    "status": ("Print the readiness report (--json for a machine).", _status),
    "activate": ("Switch the company to Connect now, or schedule it with --at.", _activate),
    "rollback": ("Give the company its legacy login back (operators only: --actor a superuser).", _rollback),
}


class Command(BaseCommand):
    help = "Run the migration of an HRM company to Connect."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (text, _handler) in SUBCOMMANDS.items():
            p = sub.add_parser(name, help=text)
            p.add_argument("--company", required=True, help="the company's slug")
            p.add_argument("--actor", default="", help="email of the operator's Connect account (for the audit log)")
            if name == "status":
                p.add_argument("--json", action="store_true", help="print JSON")
            if name in ("activate", "rollback"):
                p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
            if name == "activate":
                p.add_argument("--at", default="", help="ISO date and time: schedule instead of now")

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
