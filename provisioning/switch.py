"""The migration switch: preparing → connect (activate), connect → preparing (rollback),
and the scheduled activation with its reminder.

Each transition is one function: the company's migration row is locked
(``select_for_update``) for the whole change, the phase moves through the one
transition map (``services.phase_set``), HRM's login method and its legacy
password hashes follow in the same transaction, and the audit rows (the
company's ``ProvisioningEvent`` and Connect's ``AuditEvent``) land with it.
Calling a transition again when it already happened changes nothing.

Invitation confirmations take the same row lock first (``linking._link``), so
an activation waits for a confirmation in flight and the other way round: no
employee is ever seen half-linked by either.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.logs import kv
from hrm import services as hrm_services
from hrm.models import Company, LoginMethod
from idp.audit.services import audit_record
from idp.models import User
from provisioning.audit import event_record
from provisioning.models import CompanyMigration, Invitation, InvitationStatus, Phase
from provisioning.services import (
    ProvisioningError,
    TransitionNotAllowed,
    invitation_send,
    migration_for_update,
    phase_set,
)

log = logging.getLogger("provisioning.switch")


class RollbackNotAllowed(ProvisioningError):
    code = "rollback_not_allowed"


def company_activate(*, company: Company, actor: User | None, scheduled: bool = False) -> CompanyMigration:
    """preparing → connect: HRM's login goes through Connect, legacy hashes become unusable."""
    with transaction.atomic():
        migration = migration_for_update(company=company)
        if migration.phase == Phase.CONNECT:
            # Idempotent; re-assert HRM's side in case it was changed by hand.
            hrm_services.company_set_login_method(company=company, method=LoginMethod.CONNECT)
            hrm_services.company_retire_legacy_passwords(company=company)
            return migration
        if migration.phase == Phase.LEGACY:
            raise TransitionNotAllowed(_("Start the preparation first: the employees have not been invited yet."))
        phase_set(migration=migration, to=Phase.CONNECT, actor=actor, event="phase.activate")
        migration.planned_activation_at = None
        migration.save(update_fields=["planned_activation_at"])
        hrm_services.company_set_login_method(company=company, method=LoginMethod.CONNECT)
        retired = hrm_services.company_retire_legacy_passwords(company=company)
        event_record(company=company, event="legacy_login.retired", actor=actor, hashes=retired, scheduled=scheduled)
        audit_record(event="provisioning.company_activated", actor=actor, company=company.slug, scheduled=scheduled)
    log.info("provisioning.switch.activated", extra=kv(company=company.slug, scheduled=scheduled))
    return migration


def company_rollback(*, company: Company, actor: User | None) -> CompanyMigration:
    """connect → preparing, by an operator (a superuser) only.

    HRM's legacy login comes back with the employees' old passwords (kept behind
    ``hrm.services.RETIRED_PREFIX``); links and Connect accounts stay, so a
    later activation needs no new invitations.
    """
    if actor is None or not actor.is_active or not actor.is_superuser:
        raise RollbackNotAllowed(_("Only an operator (superuser) may roll a company back to its legacy login."))
    with transaction.atomic():
        migration = migration_for_update(company=company)
        if migration.phase == Phase.PREPARING:
            hrm_services.company_set_login_method(company=company, method=LoginMethod.LEGACY)
            return migration
        if migration.phase == Phase.LEGACY:
            raise TransitionNotAllowed(_("This company never switched to Connect."))
        phase_set(migration=migration, to=Phase.PREPARING, actor=actor, event="phase.rollback")
        # A past schedule must not switch it straight back.
        migration.planned_activation_at = None
        migration.reminder_sent_at = None
        migration.save(update_fields=["planned_activation_at", "reminder_sent_at"])
        hrm_services.company_set_login_method(company=company, method=LoginMethod.LEGACY)
        restored = hrm_services.company_restore_legacy_passwords(company=company)
        event_record(company=company, event="legacy_login.restored", actor=actor, hashes=restored)
        audit_record(event="provisioning.company_rolled_back", actor=actor, company=company.slug)
    log.info("provisioning.switch.rolled_back", extra=kv(company=company.slug))
    return migration


def company_schedule_activation(*, company: Company, at: datetime | None, actor: User | None) -> CompanyMigration:
    """Plan (or with ``at=None`` cancel) the switch; the beat job activates when due."""
    with transaction.atomic():
        migration = migration_for_update(company=company)
        if migration.phase != Phase.PREPARING:
            raise TransitionNotAllowed(_("Only a company that is preparing can have its switch scheduled."))
        if at is not None and at <= timezone.now():
            raise ProvisioningError(_("Choose a moment in the future."))
        before = migration.planned_activation_at
        migration.planned_activation_at = at
        migration.planned_by = actor if at is not None else None
        migration.reminder_sent_at = None  # a new date deserves its own reminder
        migration.save(update_fields=["planned_activation_at", "planned_by", "reminder_sent_at"])
        event_record(
            company=company, event="activation.scheduled" if at else "activation.unscheduled", actor=actor,
            before=before.isoformat() if before else "", after=at.isoformat() if at else "",
        )  # fmt: skip
    return migration


def activations_due(*, now: datetime | None = None) -> list[str]:
    """Beat: activate every preparing company whose planned moment has come."""
    moment = now or timezone.now()
    done = []
    due = CompanyMigration.objects.filter(phase=Phase.PREPARING, planned_activation_at__lte=moment)
    for migration in due.select_related("company", "planned_by"):
        with transaction.atomic():
            # Re-read under the lock: a cancel or a second beat may have come first.
            locked = migration_for_update(company=migration.company)
            if locked.phase != Phase.PREPARING or not locked.planned_activation_at:
                continue
            if locked.planned_activation_at > moment:
                continue
            company_activate(company=migration.company, actor=locked.planned_by, scheduled=True)
        done.append(migration.company.slug)
    return done


# Not yet verified, and mailable: a reminder is a fresh link (an expired one works again).
_REMIND = (InvitationStatus.SENT, InvitationStatus.EXPIRED, InvitationStatus.FAILED)


def activation_reminders(*, now: datetime | None = None) -> int:
    """Beat: PROVISIONING_REMINDER_DAYS before a scheduled switch, mail the employees
    who have not verified yet, once. The company is claimed (``reminder_sent_at``)
    in its own transaction first, so a second beat never mails anyone twice."""
    moment = now or timezone.now()
    horizon = moment + timedelta(days=settings.PROVISIONING_REMINDER_DAYS)
    queued = 0
    due = CompanyMigration.objects.filter(
        phase=Phase.PREPARING, planned_activation_at__gt=moment, planned_activation_at__lte=horizon,
        reminder_sent_at__isnull=True,
    ).select_related("company")  # fmt: skip
    for migration in due:
        with transaction.atomic():
            locked = migration_for_update(company=migration.company)
            if locked.reminder_sent_at is not None or locked.phase != Phase.PREPARING:
                continue
            locked.reminder_sent_at = moment
            locked.save(update_fields=["reminder_sent_at"])
            event_record(company=migration.company, event="activation.reminder", actor=None)
        invitations = Invitation.objects.filter(company=migration.company, status__in=_REMIND).select_related(
            "employee__company"
        )
        for invitation in invitations.iterator(chunk_size=500):
            try:
                invitation_send(employee=invitation.employee, actor=None, via="reminder")
                queued += 1
            except ProvisioningError:
                continue  # not mailable any more: listed with the reason instead
    return queued
