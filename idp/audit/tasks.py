from __future__ import annotations

from celery import shared_task

from idp.audit.services import audit_prune


@shared_task(name="idp.audit.prune")
def audit_prune_task() -> int:
    return audit_prune()
