"""The switch in the admin (readiness, confirmation, schedule, rollback), the
reminder before a scheduled switch, and activation racing confirmations."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from hrm.models import Employee, LoginMethod
from hrm.selectors import company_login_method
from idp import selectors as idp_selectors
from provisioning import linking, services
from provisioning.models import (
    CompanyMigration,
    CompanyStaff,
    EmployeeLink,
    Invitation,
    InvitationStatus,
    Phase,
    ProvisioningEvent,
)
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory
from tests.provisioning.helpers import campaign_done, link_in, mail_for, start, wait_until
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def staff_of(company: Any, **kwargs: Any) -> Any:
    user = UserFactory(is_staff=True, **kwargs)
    CompanyStaff.objects.create(user=user, company=company)
    return user


def switch_url(company: Any, action: str = "") -> str:
    pk = CompanyMigration.objects.get(company=company).pk
    return f"/admin/provisioning/companymigration/{pk}/switch/" + (f"{action}/" if action else "")


def test_admin_activates_after_a_confirmation_page_with_the_report_and_only_superusers_roll_back(
    client: Client,
) -> None:
    company = CompanyFactory()
    CompanyMigration.objects.create(company=company, phase=Phase.PREPARING)
    EmployeeFactory(company=company, email="", last_name="Nomail")
    staff = staff_of(company)
    client.force_login(staff)
    page = client.get(switch_url(company), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Readiness" in page and "Nomail" in page and "No email address" in page

    confirm = client.get(switch_url(company, "activate"), HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == 200 and "Nomail" in confirm.content.decode()
    assert CompanyMigration.objects.get(company=company).phase == Phase.PREPARING  # the page alone changes nothing
    client.post(switch_url(company, "activate"), {"post": "yes"})
    assert CompanyMigration.objects.get(company=company).phase == Phase.CONNECT
    assert company_login_method(company) == LoginMethod.CONNECT
    assert ProvisioningEvent.objects.filter(company=company, event="phase.activate", actor=staff).exists()

    # Company staff cannot roll back; an operator can, after confirming.
    client.post(switch_url(company, "rollback"), {"post": "yes"})
    assert CompanyMigration.objects.get(company=company).phase == Phase.CONNECT
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert "rollback" in client.get(switch_url(company)).content.decode()
    client.post(switch_url(company, "rollback"), {"post": "yes"})
    assert CompanyMigration.objects.get(company=company).phase == Phase.PREPARING
    assert ProvisioningEvent.objects.filter(company=company, event="phase.rollback", actor=operator).exists()

    # Staff of another company don't see this one at all.
    client.force_login(staff_of(CompanyFactory()))
    assert client.get(switch_url(company)).status_code == 404
    assert client.post(switch_url(company, "activate"), {"post": "yes"}).status_code == 404
    assert CompanyMigration.objects.get(company=company).phase == Phase.PREPARING


def test_schedule_from_the_admin_then_the_reminder_goes_out_once_and_the_switch_happens(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client, settings: Any
) -> None:
    settings.PROVISIONING_REMINDER_DAYS = 3
    company = CompanyFactory()
    ready = EmployeeFactory(company=company, email="ready@example.com")
    late = EmployeeFactory(company=company, email="late@example.com")
    start(company)
    Client().post(urlsplit(link_in(mail_for(mailbox, ready.email))).path)  # confirms
    mail_for(mailbox, late.email)
    wait_until(lambda: campaign_done(company))
    staff = staff_of(company)
    client.force_login(staff)
    at = timezone.localtime() + timedelta(days=5)
    client.post(switch_url(company, "schedule"), {"at": at.strftime("%Y-%m-%dT%H:%M")})
    migration = CompanyMigration.objects.get(company=company)
    assert migration.planned_activation_at is not None and migration.planned_by == staff
    assert ProvisioningEvent.objects.filter(company=company, event="activation.scheduled", actor=staff).exists()
    bad = client.post(switch_url(company, "schedule"), {"at": "next tuesday"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter a date and time" in bad.content.decode()

    assert services.activation_reminders() == 0  # five days ahead: not yet
    soon = timezone.now() + timedelta(days=2, hours=12)
    assert services.activation_reminders(now=soon) == 1  # only the one who has not verified
    assert services.activation_reminders(now=soon) == 0  # once
    mail_for(mailbox, late.email, count=2)
    assert len(mailbox.to(ready.email)) == 1

    assert services.activations_due(now=at + timedelta(minutes=1)) == [company.slug]
    assert company_login_method(company) == LoginMethod.CONNECT
    assert ProvisioningEvent.objects.get(company=company, event="phase.activate").actor == staff


def fully_linked(employee: Employee) -> bool:
    link = EmployeeLink.objects.filter(employee=employee).select_related("account").first()
    return (
        link is not None
        and employee.connect_subject == link.account_id
        and idp_selectors.email_is_verified(link.account)
        and Invitation.objects.get(employee=employee).status == InvitationStatus.VERIFIED_LINKED
    )


def not_linked_at_all(employee: Employee) -> bool:
    return (
        employee.connect_subject is None
        and not EmployeeLink.objects.filter(employee=employee).exists()
        and Invitation.objects.get(employee=employee).status != InvitationStatus.VERIFIED_LINKED
    )


def test_activating_while_invitations_are_confirmed_leaves_no_one_half_linked(
    celery_worker: Any, mailbox: SmtpSink, site: str
) -> None:
    company = CompanyFactory()
    employees = [EmployeeFactory(company=company, email=f"race{i}@example.com") for i in range(8)]
    start(company)
    links = {e.pk: urlsplit(link_in(mail_for(mailbox, e.email))).path for e in employees}
    wait_until(lambda: campaign_done(company))
    barrier = threading.Barrier(len(employees) + 1)
    errors: list[BaseException] = []

    def confirm(path: str) -> None:
        try:
            pk, token = path.rstrip("/").split("/")[-2:]
            barrier.wait()
            linking.invitation_confirm(invitation_id=int(pk), token=token)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def activate() -> None:
        try:
            barrier.wait()
            services.company_activate(company=company, actor=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(links[e.pk],)) for e in employees]
    threads.append(threading.Thread(target=activate))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert CompanyMigration.objects.get(company=company).phase == Phase.CONNECT
    for employee in Employee.objects.filter(company=company):
        assert fully_linked(employee) or not_linked_at_all(employee), employee
    # Confirming is allowed in both phases, so here every one of them made it.
    assert all(fully_linked(e) for e in Employee.objects.filter(company=company))
