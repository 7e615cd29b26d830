"""Celery tasks: thin wrappers that get row ids (never tokens) and call services."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.logs import kv
from provisioning import mails, services
from provisioning.models import Campaign, CampaignStatus

log = logging.getLogger("provisioning.tasks")

# What a mail server or the network does when it is down or refuses for now.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(name="provisioning.campaign_chunk", acks_late=True)
def campaign_chunk(campaign_id: int) -> None:
    if services.campaign_run_chunk(campaign_id=campaign_id):
        # The next chunk is a new task: no task ever holds the whole company.
        transaction.on_commit(lambda: campaign_chunk.delay(campaign_id))


@shared_task(name="provisioning.send_invitation_mail", bind=True, acks_late=True, max_retries=None)
def send_invitation_mail(self: Task, mail_id: int) -> str:
    try:
        return mails.outbox_send(mail_id=mail_id)
    except MAIL_ERRORS as exc:
        attempt = self.request.retries + 1
        give_up = mails.outbox_failed(mail_id=mail_id, error=type(exc).__name__)
        if give_up or self.request.is_eager:
            # Eager (no broker): the beat job picks the unsent row up later.
            return "failed"
        countdown = min(
            settings.PROVISIONING_MAIL_RETRY_BASE_SECONDS * 2**self.request.retries,
            settings.PROVISIONING_MAIL_RETRY_MAX_SECONDS,
        )
        log.info("provisioning.mail.retry", extra=kv(mail=mail_id, attempt=attempt, countdown=countdown))
        raise self.retry(countdown=countdown, exc=exc) from None


@shared_task(name="provisioning.outbox_requeue")
def outbox_requeue() -> int:
    """Beat: re-queue mails whose task was lost, and resume stalled campaigns."""
    ids = mails.outbox_stale_ids()
    for pk in ids:
        send_invitation_mail.delay(pk)
    stale = timezone.now() - timedelta(seconds=settings.PROVISIONING_OUTBOX_STALE_SECONDS)
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.RUNNING, updated_at__lt=stale).values_list(
        "pk", flat=True
    ):
        campaign_chunk.delay(campaign_id)
    if ids:
        log.info("provisioning.outbox.requeued", extra=kv(count=len(ids)))
    return len(ids)


@shared_task(name="provisioning.invitations_expire")
def invitations_expire() -> int:
    return services.invitations_expire()
