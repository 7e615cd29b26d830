from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from config.logs import kv
from idp.audit.models import AuditEvent
from idp.models import User

log = logging.getLogger("connect.audit")


def audit_event(
    *,
    event: str,
    user: User | None = None,
    actor: User | None = None,
    email: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    **data: Any,
) -> AuditEvent:
    """An audit row, not yet written: for a service that writes it together with
    the change it records (then ``audit_log`` it). Everyone else: ``audit_record``."""
    return AuditEvent(
        created_at=timezone.now(),
        event=event,
        user=user,
        actor=actor,
        email=email,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        data=data,
    )


def audit_log(row: AuditEvent) -> None:
    """The structured log line that mirrors a written audit row."""
    log.info(
        row.event,
        extra=kv(
            user=row.user_id or "",
            actor=row.actor_id or "",
            ip=row.ip_address or "",
            **row.data,
        ),
    )


def audit_record(*, event: str, **fields: Any) -> AuditEvent:
    """Write one audit row (the fields of ``audit_event``) and the matching log
    line. Call inside the transaction of the change it records, so both land or
    neither does."""
    row = audit_event(event=event, **fields)
    row.save(force_insert=True)
    audit_log(row)
    return row


def audit_prune(*, now: datetime | None = None) -> int:
    """Delete events older than the retention period (CONNECT_AUDIT_RETENTION_DAYS)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CONNECT_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    log.info("audit.pruned", extra=kv(deleted=deleted, cutoff=cutoff.isoformat()))
    return deleted
