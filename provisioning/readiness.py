"""The readiness report shown before a company's switch to Connect.

Counted in the database (a company may have 100,000 employees); only the
first ``limit`` employees who are not provisioned are listed by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrm.models import Company, Employee
from idp import selectors as idp_selectors
from idp.federation import selectors as federation_selectors
from provisioning.models import CompanyMigration, EmployeeLink, InvitationStatus, Phase, SkipReason

# Why an employee cannot log in through Connect yet, in the order they are decided.
REASONS: dict[str, object] = {
    "inactive": _("Inactive employee"),
    "no_email": _("No email address"),
    "shared_email": _("Email address shared with a colleague"),
    "mail_failed": _("The mail could not be delivered"),
    "link_expired": _("Link expired"),
    "never_clicked": _("Never clicked the link"),
    "not_invited": _("Not invited yet"),
}


@dataclass(frozen=True)
class NotProvisioned:
    employee: Employee
    reason: str

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


@dataclass(frozen=True)
class Readiness:
    company: Company
    phase: str
    planned_activation_at: datetime | None
    total: int
    linked: int
    with_password: int
    covered_by_sso: int
    by_reason: dict[str, int]
    not_provisioned: list[NotProvisioned] = field(default_factory=list)

    @property
    def not_provisioned_total(self) -> int:
        return sum(self.by_reason.values())

    @property
    def without_password(self) -> int:
        """Linked, but they will set a password with "Forgot your password?" first."""
        return max(self.linked - self.with_password - self.covered_by_sso, 0)

    @property
    def reasons(self) -> list[tuple[str, str, int]]:
        return [(code, str(label), self.by_reason.get(code, 0)) for code, label in REASONS.items()]

    def as_dict(self) -> dict[str, object]:
        return {
            "company": self.company.slug,
            "phase": self.phase,
            "planned_activation_at": self.planned_activation_at.isoformat() if self.planned_activation_at else None,
            "total": self.total,
            "linked": self.linked,
            "with_password": self.with_password,
            "covered_by_sso": self.covered_by_sso,
            "not_provisioned": self.not_provisioned_total,
            "by_reason": {code: self.by_reason.get(code, 0) for code in REASONS},
            "employees_not_provisioned": [
                {"employee_number": row.employee.employee_number, "name": row.employee.full_name, "reason": row.reason}
                for row in self.not_provisioned
            ],
        }


def sso_covered_count(*, company: Company) -> int:
    """Linked employees who sign in through a company IdP (idp.federation): their
    account's address is in a federated domain, so Connect's login sends them there
    and they need no Connect password. Counted in the database (addresses are
    stored in normal form, lower case), a handful of domains per query."""
    domains = federation_selectors.federated_domains()
    if not domains:
        return 0
    in_domains = Q()
    for domain in domains:
        in_domains |= Q(account__email__endswith=f"@{domain}")
    return EmployeeLink.objects.filter(company=company).filter(in_domains).count()


def _unlinked(company: Company) -> QuerySet[Any]:
    now = timezone.now()
    return (
        Employee.objects.filter(company=company, connect_subject__isnull=True)
        .annotate(
            reason=Case(
                When(is_active=False, then=Value("inactive")),
                When(email="", then=Value("no_email")),
                When(invitation__skip_reason=SkipReason.SHARED_EMAIL, then=Value("shared_email")),
                When(invitation__status=InvitationStatus.FAILED, then=Value("mail_failed")),
                When(invitation__status=InvitationStatus.EXPIRED, then=Value("link_expired")),
                When(
                    Q(invitation__status=InvitationStatus.SENT, invitation__expires_at__lte=now),
                    then=Value("link_expired"),
                ),
                When(invitation__status=InvitationStatus.SENT, then=Value("never_clicked")),
                default=Value("not_invited"),
                output_field=CharField(),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def company_readiness(*, company: Company, limit: int = 200) -> Readiness:
    migration = CompanyMigration.objects.filter(company=company).first()
    links = EmployeeLink.objects.filter(company=company)
    unlinked = _unlinked(company)
    by_reason = {row["reason"]: row["n"] for row in unlinked.values("reason").annotate(n=Count("id")).order_by()}
    listed = [
        NotProvisioned(employee=e, reason=getattr(e, "reason", "")) for e in unlinked.select_related("company")[:limit]
    ]
    return Readiness(
        company=company,
        phase=migration.phase if migration else Phase.LEGACY,
        planned_activation_at=migration.planned_activation_at if migration else None,
        total=Employee.objects.filter(company=company).count(),
        linked=Employee.objects.filter(company=company, connect_subject__isnull=False).count(),
        with_password=idp_selectors.accounts_with_password_count(links.values("account_id")),
        covered_by_sso=sso_covered_count(company=company),
        by_reason=by_reason,
        not_provisioned=listed,
    )
