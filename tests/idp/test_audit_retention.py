"""Audit events are kept for the retention period, then deleted by a Celery job.

Runs the job through the real worker when a broker is configured (CI), so it
also proves the worker, the broker and the test database work together.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from idp.audit.models import AuditEvent
from idp.audit.tasks import audit_prune_task


@pytest.mark.django_db(transaction=True)
def test_events_past_retention_are_pruned_by_the_worker(celery_worker: object, settings: object) -> None:
    old = AuditEvent.objects.create(event="login.succeeded", created_at=timezone.now() - timedelta(days=400))
    recent = AuditEvent.objects.create(event="login.succeeded", created_at=timezone.now() - timedelta(days=30))
    audit_prune_task.delay()
    deadline = time.monotonic() + 20
    while AuditEvent.objects.filter(pk=old.pk).exists():
        assert time.monotonic() < deadline, "the prune job did not run"
        time.sleep(0.1)
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
