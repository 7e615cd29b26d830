"""Writes of the migration: the company phase, the campaign, invitations and links.

Every state change goes through ``_phase_set`` / ``_invitation_set``, which check
the one transition map in ``provisioning.models`` and write an audit row in the
same transaction. Services are keyword-only and take no request: the admin,
the management command, views and Celery tasks all call them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from config.logs import kv
from hrm.models import Company, Employee
from idp.emails import normalize_email
from idp.models import User
from provisioning import tokens
from provisioning.audit import event_record, event_rows
from provisioning.models import (
    INVITATION_TRANSITIONS,
    PHASE_TRANSITIONS,
    Campaign,
    CampaignStatus,
    CompanyMigration,
    Invitation,
    InvitationStatus,
    OutboxMail,
    Phase,
    SkipReason,
)

log = logging.getLogger("provisioning")


class ProvisioningError(ApplicationError):
    code = "provisioning_error"


class TransitionNotAllowed(ProvisioningError):
    code = "transition_not_allowed"


class RateLimited(ProvisioningError):
    code = "rate_limited"


# --- The company phase ----------------------------------------------------------


def migration_for_update(*, company: Company) -> CompanyMigration:
    """The company's migration row, created on first use and locked for this transaction."""
    CompanyMigration.objects.get_or_create(company=company)
    return CompanyMigration.objects.select_for_update().get(company=company)


def phase_set(*, migration: CompanyMigration, to: Phase, actor: User | None, event: str) -> None:
    """The one writer of ``CompanyMigration.phase``. Call with the row locked."""
    if to not in PHASE_TRANSITIONS[migration.phase]:
        raise TransitionNotAllowed(
            _("A company in phase “%(phase)s” cannot move to “%(to)s”.")
            % {"phase": migration.get_phase_display(), "to": to.label}
        )
    before = migration.phase
    migration.phase = to
    migration.phase_changed_at = timezone.now()
    migration.phase_changed_by = actor
    migration.save(update_fields=["phase", "phase_changed_at", "phase_changed_by"])
    event_record(company=migration.company, event=event, actor=actor, before=before, after=to.value)


def company_start_preparation(*, company: Company, actor: User | None) -> Campaign:
    """legacy → preparing, and the campaign that invites every employee.

    Idempotent: a company already preparing gets its running campaign nudged
    (a crashed fan-out resumes from its cursor), never a second campaign.
    HRM's own login method stays legacy: nothing changes for employees yet.
    """
    from provisioning import tasks  # tasks import services

    with transaction.atomic():
        migration = migration_for_update(company=company)
        if migration.phase == Phase.PREPARING:
            campaign = Campaign.objects.filter(company=company).order_by("-started_at").first()
            if campaign is not None:
                if campaign.status == CampaignStatus.RUNNING:
                    resume_id = campaign.pk
                    transaction.on_commit(lambda: tasks.campaign_chunk.delay(resume_id))
                return campaign
        elif migration.phase == Phase.LEGACY:
            phase_set(migration=migration, to=Phase.PREPARING, actor=actor, event="phase.start_preparation")
        else:
            # connect -> preparing exists in the map, but it is the rollback, not this.
            raise TransitionNotAllowed(_("The company already uses Connect; a rollback is a separate operation."))
        campaign = Campaign.objects.create(
            company=company, started_by=actor, total=Employee.objects.filter(company=company).count()
        )
        event_record(company=company, event="campaign.started", actor=actor, campaign=campaign.pk)
        transaction.on_commit(lambda: tasks.campaign_chunk.delay(campaign.pk))
    log.info("provisioning.campaign.started", extra=kv(company=company.slug, campaign=campaign.pk))
    return campaign


# --- Invitations -------------------------------------------------------------------


def _invitation_set(
    *, invitation: Invitation, to: InvitationStatus, actor: User | None, event: str, **data: object
) -> None:
    """The one writer of ``Invitation.status``: checks the map, audits. Row must be locked."""
    if to not in INVITATION_TRANSITIONS[invitation.status]:
        raise TransitionNotAllowed(
            _("An invitation that is “%(status)s” cannot become “%(to)s”.")
            % {"status": invitation.get_status_display(), "to": to.label}
        )
    before = invitation.status
    invitation.status = to
    invitation.updated_at = timezone.now()
    invitation.save()
    event_record(
        company=invitation.company, employee=invitation.employee, event=event, actor=actor,
        before=before, after=to.value, **data,
    )  # fmt: skip


def skip_reason_for(employee: Employee, *, shared: set[str]) -> SkipReason:
    if not employee.is_active:
        return SkipReason.INACTIVE
    if not employee.email.strip():
        return SkipReason.NO_EMAIL
    if normalize_email(employee.email) in shared:
        return SkipReason.SHARED_EMAIL
    return SkipReason.NONE


def shared_emails(*, company_id: int, emails: set[str]) -> set[str]:
    """Of ``emails``, those that more than one employee of the company has."""
    if not emails:
        return set()
    rows = (
        Employee.objects.filter(company_id=company_id)
        .annotate(key=Lower("email"))
        .filter(key__in=emails)
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return {row["key"] for row in rows}


def _arm(invitation: Invitation) -> OutboxMail:
    """A fresh link (new nonce) and the outbox row that will mail it; older links die."""
    invitation.nonce = tokens.new_nonce()
    token = tokens.token_for(employee_id=invitation.employee_id, nonce=invitation.nonce)
    invitation.token_hash = tokens.token_hash(token)
    invitation.email = normalize_email(invitation.employee.email)
    invitation.expires_at = timezone.now() + timedelta(days=settings.PROVISIONING_INVITATION_DAYS)
    return OutboxMail(invitation=invitation, nonce=invitation.nonce)


def _queue_mails(mail_ids: list[int]) -> None:
    from provisioning import tasks

    def queue() -> None:
        for pk in mail_ids:
            tasks.send_invitation_mail.delay(pk)

    transaction.on_commit(queue)


def campaign_run_chunk(*, campaign_id: int) -> bool:
    """Invite the next chunk of employees after the cursor. True while more remain.

    The campaign row is locked for the chunk, so two copies of this task (a
    re-queue after a crash) run one after the other, and the second finds the
    cursor moved: nothing is ever mailed twice.
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("company").get(pk=campaign_id)
        if campaign.status != CampaignStatus.RUNNING:
            return False
        employees = list(
            Employee.objects.filter(company_id=campaign.company_id, pk__gt=campaign.cursor)
            .select_related("company")
            .order_by("pk")[: settings.PROVISIONING_CHUNK_SIZE]
        )
        if not employees:
            campaign.status = CampaignStatus.DONE
            campaign.finished_at = campaign.updated_at = timezone.now()
            campaign.save()
            event_record(company=campaign.company, event="campaign.finished", campaign=campaign.pk)
            return False
        existing = set(Invitation.objects.filter(employee__in=employees).values_list("employee_id", flat=True))
        fresh = [e for e in employees if e.pk not in existing]
        shared = shared_emails(
            company_id=campaign.company_id, emails={normalize_email(e.email) for e in fresh if e.email.strip()}
        )
        invitations, mails = [], []
        for employee in fresh:
            reason = skip_reason_for(employee, shared=shared)
            invitation = Invitation(
                employee=employee,
                company=campaign.company,
                status=InvitationStatus.SKIPPED if reason else InvitationStatus.PENDING,
                skip_reason=reason,
                email=normalize_email(employee.email),
            )
            if not reason:
                mails.append(_arm(invitation))
            invitations.append(invitation)
        Invitation.objects.bulk_create(invitations)
        OutboxMail.objects.bulk_create(mails)
        for status in (InvitationStatus.PENDING, InvitationStatus.SKIPPED):
            ids = [i.employee_id for i in invitations if i.status == status]
            if ids:
                event_rows(
                    company_id=campaign.company_id, event="invitation.created", employee_ids=ids,
                    after=status.value, campaign=campaign.pk,
                )  # fmt: skip
        campaign.cursor = employees[-1].pk
        campaign.processed += len(employees)
        campaign.queued += len(mails)
        campaign.skipped += len(invitations) - len(mails)
        campaign.updated_at = timezone.now()
        campaign.save()
        _queue_mails([m.pk for m in mails])
    return True


def invitation_for_update(*, employee: Employee) -> Invitation:
    Invitation.objects.get_or_create(
        employee=employee, defaults={"company_id": employee.company_id, "email": normalize_email(employee.email)}
    )
    return Invitation.objects.select_for_update().select_related("employee", "company").get(employee=employee)


def invitation_send(*, employee: Employee, actor: User | None, via: str) -> Invitation:
    """Send (or resend) the invitation: a new link replaces the old one.

    The employee's data is checked again (an address added since the campaign
    makes a skipped employee sendable). A linked employee gets nothing.
    """
    with transaction.atomic():
        migration = migration_for_update(company=employee.company)
        if migration.phase != Phase.PREPARING:
            raise ProvisioningError(_("Invitations are sent only while the company is preparing for Connect."))
        invitation = invitation_for_update(employee=employee)
        employee = Employee.objects.select_for_update().get(pk=employee.pk)
        invitation.employee = employee
        if invitation.status == InvitationStatus.VERIFIED_LINKED:
            raise ProvisioningError(_("%(name)s is already linked to Connect.") % {"name": employee.full_name})
        key = normalize_email(employee.email)
        reason = skip_reason_for(employee, shared=shared_emails(company_id=employee.company_id, emails={key}))
        if not reason:
            invitation.skip_reason = SkipReason.NONE
            mail = _arm(invitation)
            _invitation_set(
                invitation=invitation, to=InvitationStatus.PENDING, actor=actor, event="invitation.resend", via=via
            )
            mail.save()
            _queue_mails([mail.pk])
            return invitation
        # Not mailable any more (left, address removed or now shared): any old link
        # dies and the employee is listed with the reason. Committed, then refused.
        invitation.skip_reason = reason
        invitation.token_hash = ""
        if invitation.status != InvitationStatus.SKIPPED:
            _invitation_set(
                invitation=invitation, to=InvitationStatus.SKIPPED, actor=actor,
                event="invitation.skipped", reason=reason.value,
            )  # fmt: skip
        else:
            invitation.save(update_fields=["skip_reason", "token_hash"])
    raise ProvisioningError(
        _("Not sent to %(name)s: %(reason)s.") % {"name": employee.full_name, "reason": reason.label}
    )


def _rate_limit(limits: list[tuple[str, int]]) -> None:
    window = settings.PROVISIONING_RESEND_WINDOW_SECONDS
    for key, limit in limits:
        cache.add(key, 0, timeout=window)
        if cache.incr(key) > limit:
            raise RateLimited(_("Too many new links were asked for. Please wait an hour and try again."))


def invitation_request_new_link(*, invitation_id: int, client: str) -> None:
    """ "Send me a new link" from a person (expired-link page, HRM banner): rate limited
    per invitation and per client address. The link always goes to the address HRM
    has for the employee, so asking for someone else's link only mails them."""
    invitation = Invitation.objects.select_related("employee__company").filter(pk=invitation_id).first()
    if invitation is None:
        return  # answer as for any other: no hint about which ids exist
    # Per client address too, but looser: a whole office shares one address.
    _rate_limit(
        [
            (f"prov:resend:inv:{invitation.pk}", settings.PROVISIONING_RESEND_LIMIT),
            (f"prov:resend:ip:{client}", settings.PROVISIONING_RESEND_CLIENT_LIMIT),
        ]
    )
    invitation_send(employee=invitation.employee, actor=None, via="self")


def invitations_expire(*, now: datetime | None = None) -> int:
    """Sent links past their expiry become ``expired`` (beat job; also done on use)."""
    moment = now or timezone.now()
    count = 0
    ids = list(
        Invitation.objects.filter(status=InvitationStatus.SENT, expires_at__lt=moment).values_list("pk", flat=True)[
            :5000
        ]
    )
    for pk in ids:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().select_related("employee", "company").get(pk=pk)
            if invitation.status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at < moment:
                _invitation_set(
                    invitation=invitation, to=InvitationStatus.EXPIRED, actor=None, event="invitation.expired"
                )
                count += 1
    return count
