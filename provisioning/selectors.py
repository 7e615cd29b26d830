"""Reads of the migration: scoping for staff, progress numbers, the chart, the CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from hrm.models import Company, Employee
from idp.models import User
from provisioning.models import Campaign, CompanyStaff, Invitation, InvitationStatus


def staff_company_ids(user: User) -> set[int] | None:
    """The companies ``user`` administers; None means all (superuser)."""
    if user.is_superuser:
        return None
    if not user.is_active or not user.is_staff:
        return set()
    return set(CompanyStaff.objects.filter(user=user).values_list("company_id", flat=True))


def scope(queryset: QuerySet[Any], user: User, field: str = "company_id") -> QuerySet[Any]:
    ids = staff_company_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


@dataclass(frozen=True)
class Progress:
    employees: int
    by_status: dict[str, int]
    by_reason: dict[str, int]
    campaign: Campaign | None

    @property
    def linked(self) -> int:
        return self.by_status.get(InvitationStatus.VERIFIED_LINKED, 0)

    @property
    def percent_linked(self) -> int:
        return round(100 * self.linked / self.employees) if self.employees else 0


def company_progress(company: Company) -> Progress:
    rows = Invitation.objects.filter(company=company).values("status", "skip_reason").annotate(n=Count("id"))
    by_status: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["skip_reason"]:
            by_reason[row["skip_reason"]] = by_reason.get(row["skip_reason"], 0) + row["n"]
    return Progress(
        employees=Employee.objects.filter(company=company).count(),
        by_status=by_status,
        by_reason=by_reason,
        campaign=Campaign.objects.filter(company=company).order_by("-started_at").first(),
    )


def verified_per_day(company: Company) -> list[tuple[date, int]]:
    """Cumulative number of verified (linked) employees at the end of each day."""
    rows = (
        Invitation.objects.filter(company=company, verified_at__isnull=False)
        .annotate(day=TruncDate("verified_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    total, series = 0, []
    for row in rows:
        total += row["n"]
        series.append((row["day"], total))
    return series


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str
    max_value: int
    first: date | None
    last: date | None
    dots: list[tuple[float, float, date, int]]


def verified_chart(series: list[tuple[date, int]], *, total: int, width: int = 600, height: int = 200) -> Chart:
    """Coordinates for a server-rendered SVG line (no JavaScript)."""
    top = max(total, max((v for _, v in series), default=0), 1)
    if not series:
        return Chart(width, height, "", top, None, None, [])
    first, last = series[0][0], series[-1][0]
    span = max((last - first).days, 1)
    dots = [
        (round(40 + (width - 60) * (d - first).days / span, 1), round(height - 20 - (height - 40) * v / top, 1), d, v)
        for d, v in series
    ]
    return Chart(width, height, " ".join(f"{x},{y}" for x, y, _d, _v in dots), top, first, last, dots)


def invitations_for_export(queryset: QuerySet[Invitation]) -> Iterator[Invitation]:
    return (
        queryset.select_related("employee", "company").order_by("company_id", "employee_id").iterator(chunk_size=2000)
    )
