"""Nothing lost: SMTP down during a campaign, tasks lost with the broker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from provisioning import mails, services, tasks
from provisioning.models import CompanyMigration, Invitation, InvitationStatus, OutboxMail, Phase
from tests.factories import CompanyFactory, EmployeeFactory
from tests.provisioning.helpers import start, wait_until
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_smtp_down_for_part_of_a_campaign_then_every_mail_arrives_exactly_once(
    celery_worker: Any, mailbox: SmtpSink, site: str, settings: Any
) -> None:
    company = CompanyFactory()
    employees = [EmployeeFactory(company=company) for _ in range(4)]
    mailbox.stop()
    start(company)
    # Every mail was tried at least once while the server was down.
    wait_until(lambda: OutboxMail.objects.filter(attempts__gte=1, sent_at__isnull=True).count() == 4)
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 4
    mailbox.start()
    # The worker's retries (back-off) and the beat job's re-queue race for the
    # same rows: still one mail each.
    settings.PROVISIONING_OUTBOX_STALE_SECONDS = 0
    tasks.outbox_requeue()
    wait_until(lambda: OutboxMail.objects.filter(sent_at__isnull=False).count() == 4, timeout=120)
    for employee in employees:
        assert len(mailbox.to(employee.email)) == 1
    assert Invitation.objects.filter(status=InvitationStatus.SENT).count() == 4


def test_mails_whose_task_was_lost_with_the_broker_are_queued_again_and_sent_once(
    celery_worker: Any, mailbox: SmtpSink, site: str
) -> None:
    employee = EmployeeFactory()
    CompanyMigration.objects.create(company=employee.company, phase=Phase.PREPARING)
    # The decision to send committed, its task never reached the broker.
    with transaction.atomic():
        invitation = services.invitation_for_update(employee=employee)
        mail = services._arm(invitation)
        invitation.save()
        mail.queued_at = timezone.now() - timedelta(hours=1)
        mail.save()
    assert mailbox.to(employee.email) == []

    assert tasks.outbox_requeue() == 1  # the beat job
    mailbox.wait_for(lambda msgs: len(msgs) == 1)
    wait_until(lambda: OutboxMail.objects.filter(sent_at__isnull=False).count() == 1)
    assert tasks.outbox_requeue() == 0, "a sent row is never queued again"
    # A second run of the task for a sent row sends nothing.
    assert mails.outbox_send(mail_id=mail.pk) == "nothing-to-do"
    assert len(mailbox.to(employee.email)) == 1
