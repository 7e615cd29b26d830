"""Sending one outbox mail: render, send over SMTP, mark sent — exactly once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.logs import kv
from provisioning import tokens
from provisioning.audit import event_record
from provisioning.models import CompanyMigration, Invitation, InvitationStatus, OutboxMail
from provisioning.services import _invitation_set

log = logging.getLogger("provisioning.mail")


def invitation_link(invitation: Invitation) -> str:
    token = tokens.token_for(employee_id=invitation.employee_id, nonce=invitation.nonce)
    path = reverse("provisioning:verify", kwargs={"pk": invitation.pk, "token": token})
    # Built from the configured site URL, never from a request's Host header.
    return settings.SITE_URL + path


def _message(invitation: Invitation) -> EmailMultiAlternatives:
    employee = invitation.employee
    migration = CompanyMigration.objects.filter(company_id=invitation.company_id).first()
    context = {
        "employee": employee,
        "company": invitation.company,
        "link": invitation_link(invitation),
        "expires_at": invitation.expires_at,
        "planned_activation_at": migration.planned_activation_at if migration else None,
        "email": invitation.email,
    }
    # One mail in both languages, Swedish first: HRM does not know which one the
    # employee reads, and the company's staff are mixed.
    with translation.override("sv"):
        subject = render_to_string("provisioning/mail/invitation_subject.txt", context).strip()
        text = render_to_string("provisioning/mail/invitation.txt", context)
        html = render_to_string("provisioning/mail/invitation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    return message


def outbox_send(*, mail_id: int) -> str:
    """Send outbox row ``mail_id``; returns what happened. SMTP errors propagate
    (the task retries). Rows are locked while sending so that two copies of the
    task (a re-queue racing a retry) cannot both send."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at is not None or mail.abandoned_at is not None:
            return "nothing-to-do"
        invitation = (
            Invitation.objects.select_for_update().select_related("employee", "company").get(pk=mail.invitation_id)
        )
        if invitation.nonce != mail.nonce or invitation.status not in (InvitationStatus.PENDING, InvitationStatus.SENT):
            # A resend replaced this link, or the employee is linked/skipped meanwhile.
            mail.abandoned_at = timezone.now()
            mail.save(update_fields=["abandoned_at"])
            return "superseded"
        # Sent while the rows are locked: a second copy of this task waits, then finds
        # sent_at set. Only a crash between the SMTP answer and the commit could
        # repeat a mail; nothing can lose one.
        now = timezone.now()
        invitation.expires_at = now + timedelta(days=settings.PROVISIONING_INVITATION_DAYS)
        _message(invitation).send()
        mail.sent_at = now
        mail.attempts += 1
        mail.save(update_fields=["sent_at", "attempts"])
        invitation.sent_at = now
        invitation.sends += 1
        _invitation_set(
            invitation=invitation, to=InvitationStatus.SENT, actor=None, event="invitation.sent", mail=mail.pk
        )
    log.info("provisioning.mail.sent", extra=kv(mail=mail_id, invitation=invitation.pk))
    return "sent"


def outbox_failed(*, mail_id: int, error: str) -> bool:
    """Record a failed attempt. After PROVISIONING_MAIL_MAX_ATTEMPTS (counted on the
    row, so re-queued copies of the task share one budget) the mail is abandoned and
    the invitation is ``failed``; returns True then."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at is not None or mail.abandoned_at is not None:
            return True
        mail.attempts += 1
        give_up = mail.attempts >= settings.PROVISIONING_MAIL_MAX_ATTEMPTS
        mail.last_error = error[:200]
        mail.queued_at = timezone.now()
        if give_up:
            mail.abandoned_at = timezone.now()
            invitation = (
                Invitation.objects.select_for_update().select_related("employee", "company").get(pk=mail.invitation_id)
            )
            if invitation.nonce == mail.nonce and invitation.status in (
                InvitationStatus.PENDING,
                InvitationStatus.SENT,
            ):
                _invitation_set(
                    invitation=invitation,
                    to=InvitationStatus.FAILED,
                    actor=None,
                    event="invitation.failed",
                    error=mail.last_error,
                )
        mail.save()
    log.warning("provisioning.mail.failed", extra=kv(mail=mail_id, error=error[:200], give_up=give_up))
    return give_up


def outbox_stale_ids(*, limit: int = 5000) -> list[int]:
    """Unsent rows nobody has touched for a while: their task was lost (broker down)."""
    cutoff = timezone.now() - timedelta(seconds=settings.PROVISIONING_OUTBOX_STALE_SECONDS)
    with transaction.atomic():
        ids = list(
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, abandoned_at__isnull=True, queued_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMail.objects.filter(pk__in=ids).update(queued_at=timezone.now())
    return ids


__all__ = ["event_record", "invitation_link", "outbox_failed", "outbox_send", "outbox_stale_ids"]
