"""The company-scoped audit trail of the migration (ProvisioningEvent)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from config.logs import kv
from hrm.models import Company, Employee
from idp.models import User
from provisioning.models import ProvisioningEvent

log = logging.getLogger("provisioning.audit")


def event_record(
    *, company: Company, event: str, actor: User | None = None, employee: Employee | None = None, **data: Any
) -> ProvisioningEvent:
    """One audit row plus its log line. Call inside the transaction of the change."""
    row = ProvisioningEvent.objects.create(
        created_at=timezone.now(), company=company, employee=employee, event=event, actor=actor, data=data
    )
    log.info(
        event,
        extra=kv(
            company=company.slug, employee=employee.pk if employee else "", actor=actor.pk if actor else "", **data
        ),
    )
    return row


def event_rows(
    *, company_id: int, event: str, employee_ids: list[int], actor: User | None = None, **data: Any
) -> list[ProvisioningEvent]:
    """Many rows at once, for the campaign's chunks (one bulk insert)."""
    now = timezone.now()
    rows = [
        ProvisioningEvent(created_at=now, company_id=company_id, employee_id=pk, event=event, actor=actor, data=data)
        for pk in employee_ids
    ]
    ProvisioningEvent.objects.bulk_create(rows)
    log.info(event, extra=kv(company=company_id, count=len(rows), **data))
    return rows
