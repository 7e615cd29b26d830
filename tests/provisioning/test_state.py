"""The two state machines, the expiry job and the management command (no worker needed)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from provisioning import services
from provisioning.models import (
    INVITATION_TRANSITIONS,
    PHASE_TRANSITIONS,
    CompanyMigration,
    InvitationStatus,
    Phase,
    ProvisioningEvent,
)
from tests.factories import CompanyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_the_phase_map_is_the_documented_one() -> None:
    assert {
        Phase.LEGACY: {Phase.PREPARING},
        Phase.PREPARING: {Phase.CONNECT},
        Phase.CONNECT: {Phase.PREPARING},
    } == PHASE_TRANSITIONS


def test_a_transition_outside_the_map_is_refused_and_changes_nothing() -> None:
    company = CompanyFactory()
    with transaction.atomic():
        migration = services.migration_for_update(company=company)
        with pytest.raises(services.TransitionNotAllowed):
            services.phase_set(migration=migration, to=Phase.CONNECT, actor=None, event="phase.activate")
    assert CompanyMigration.objects.get(company=company).phase == Phase.LEGACY
    assert not ProvisioningEvent.objects.filter(company=company).exists()


def test_a_linked_invitation_only_reopens_through_an_unlink() -> None:
    assert INVITATION_TRANSITIONS[InvitationStatus.VERIFIED_LINKED] == {InvitationStatus.PENDING}
    assert InvitationStatus.VERIFIED_LINKED not in INVITATION_TRANSITIONS[InvitationStatus.SKIPPED]


def test_sent_links_past_their_expiry_become_expired_with_an_audit_row() -> None:
    employee = EmployeeFactory()
    CompanyMigration.objects.create(company=employee.company, phase=Phase.PREPARING)
    with transaction.atomic():
        invitation = services.invitation_for_update(employee=employee)
        services._arm(invitation)
        invitation.status = InvitationStatus.SENT
        invitation.save()
    assert services.invitations_expire() == 0
    assert services.invitations_expire(now=timezone.now() + timedelta(days=15)) == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED
    assert ProvisioningEvent.objects.filter(employee=employee, event="invitation.expired").exists()


def test_the_command_starts_the_preparation_and_refuses_unknown_companies() -> None:
    company = CompanyFactory(slug="kvarn")
    out = StringIO()
    call_command("provisioning", "start", "--company", "kvarn", stdout=out)
    assert "phase=preparing" in out.getvalue()
    assert CompanyMigration.objects.get(company=company).phase == Phase.PREPARING
    with pytest.raises(CommandError, match="no company"):
        call_command("provisioning", "start", "--company", "nope")


def test_a_mail_that_keeps_failing_is_abandoned_and_the_invitation_marked_failed(settings: Any) -> None:
    from provisioning import mails

    settings.PROVISIONING_MAIL_MAX_ATTEMPTS = 2
    employee = EmployeeFactory()
    CompanyMigration.objects.create(company=employee.company, phase=Phase.PREPARING)
    with transaction.atomic():
        invitation = services.invitation_for_update(employee=employee)
        mail = services._arm(invitation)
        invitation.save()
        mail.save()
    assert mails.outbox_failed(mail_id=mail.pk, error="SMTPServerDisconnected") is False
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert mails.outbox_failed(mail_id=mail.pk, error="SMTPServerDisconnected") is True
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert ProvisioningEvent.objects.filter(employee=employee, event="invitation.failed").exists()
    assert mails.outbox_send(mail_id=mail.pk) == "nothing-to-do", "an abandoned mail is never sent"


def test_a_resend_to_an_employee_who_left_is_refused_lists_the_reason_and_kills_the_old_link() -> None:
    employee = EmployeeFactory()
    CompanyMigration.objects.create(company=employee.company, phase=Phase.PREPARING)
    services.invitation_send(employee=employee, actor=None, via="admin")
    employee.is_active = False
    employee.save()
    with pytest.raises(services.ProvisioningError):
        services.invitation_send(employee=employee, actor=None, via="admin")
    invitation = employee.invitation
    invitation.refresh_from_db()
    assert (invitation.status, invitation.skip_reason, invitation.token_hash) == (
        InvitationStatus.SKIPPED,
        "inactive",
        "",
    )
