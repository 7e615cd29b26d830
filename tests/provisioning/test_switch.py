"""The migration switch: activate, rollback, schedule, readiness and the shell command."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from hrm import services as hrm_services
from hrm.models import Company, Employee, LoginMethod
from hrm.selectors import company_login_method
from idp.audit.models import AuditEvent
from provisioning import selectors, services
from provisioning.models import CompanyMigration, EmployeeLink, Invitation, InvitationStatus, Phase, ProvisioningEvent
from tests.factories import PASSWORD, CompanyFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def preparing(company: Company | None = None) -> Company:
    company = company or CompanyFactory()
    CompanyMigration.objects.update_or_create(company=company, defaults={"phase": Phase.PREPARING})
    return company


def phase(company: Company) -> str:
    return CompanyMigration.objects.get(company=company).phase


def legacy_post(company: Company, username: str, password: str, **headers: str) -> object:
    return Client().post(
        f"/hrm/{company.slug}/login/",
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,  # type: ignore[arg-type]
    )


def test_activation_switches_login_retires_hashes_and_is_audited_with_the_actor() -> None:
    company = preparing()
    employee = EmployeeFactory(company=company, legacy_username="anna")
    operator = UserFactory(is_staff=True)
    services.company_activate(company=company, actor=operator)
    assert phase(company) == Phase.CONNECT
    assert company_login_method(company) == LoginMethod.CONNECT
    employee.refresh_from_db()
    assert employee.legacy_password_hash.startswith(hrm_services.RETIRED_PREFIX)
    assert not check_password(PASSWORD, employee.legacy_password_hash)
    event = ProvisioningEvent.objects.get(company=company, event="phase.activate")
    assert event.actor == operator and event.data == {"before": "preparing", "after": "connect"}
    assert AuditEvent.objects.filter(event="provisioning.company_activated", actor=operator).exists()


def test_activating_twice_changes_nothing_the_second_time() -> None:
    company = preparing()
    EmployeeFactory(company=company)
    services.company_activate(company=company, actor=None)
    hashes = list(Employee.objects.values_list("legacy_password_hash", flat=True))
    services.company_activate(company=company, actor=None)
    assert list(Employee.objects.values_list("legacy_password_hash", flat=True)) == hashes
    assert ProvisioningEvent.objects.filter(company=company, event="phase.activate").count() == 1


def test_a_legacy_company_cannot_be_activated_before_preparing() -> None:
    company = CompanyFactory()
    with pytest.raises(services.TransitionNotAllowed):
        services.company_activate(company=company, actor=None)
    assert company_login_method(company) == LoginMethod.LEGACY
    assert not ProvisioningEvent.objects.filter(company=company).exists()


def test_after_activation_the_legacy_form_refuses_even_the_right_password() -> None:
    company, untouched = preparing(), preparing()
    EmployeeFactory(company=company, legacy_username="anna")
    EmployeeFactory(company=company, legacy_username="admin", is_hrm_admin=True)
    EmployeeFactory(company=untouched, legacy_username="anna")
    assert legacy_post(company, "anna", PASSWORD).status_code == 302  # works while preparing
    services.company_activate(company=company, actor=None)
    for username, password in (("anna", PASSWORD), ("admin", PASSWORD), ("anna", "wrong"), ("nobody", "x")):
        browser = legacy_post(company, username, password, HTTP_ACCEPT="text/html")
        script = legacy_post(company, username, password)
        assert browser.status_code == script.status_code == 410
        text = browser.content.decode()
        assert "now uses Connect" in text and f"/hrm/{company.slug}/login/" in text
    # Another company's legacy login is not touched.
    assert legacy_post(untouched, "anna", PASSWORD).status_code == 302
    # And the service itself, even if the method were flipped behind the switch's back.
    Company.objects.filter(pk=company.pk).update(login_method=LoginMethod.LEGACY)
    with pytest.raises(hrm_services.LegacyLoginFailed):
        hrm_services.legacy_login(company=company, username="anna", password=PASSWORD)


def test_rollback_only_by_a_superuser_and_it_restores_the_legacy_login() -> None:
    company = preparing()
    EmployeeFactory(company=company, legacy_username="anna")
    services.company_activate(company=company, actor=None)
    for actor in (None, UserFactory(is_staff=True)):
        with pytest.raises(services.RollbackNotAllowed):
            services.company_rollback(company=company, actor=actor)
        assert phase(company) == Phase.CONNECT
    operator = UserFactory(is_staff=True, is_superuser=True)
    services.company_rollback(company=company, actor=operator)
    services.company_rollback(company=company, actor=operator)  # idempotent
    assert phase(company) == Phase.PREPARING
    assert company_login_method(company) == LoginMethod.LEGACY
    assert ProvisioningEvent.objects.filter(company=company, event="phase.rollback", actor=operator).count() == 1
    assert legacy_post(company, "anna", PASSWORD).status_code == 302


def test_links_survive_a_rollback_and_a_second_activation() -> None:
    company = preparing()
    account = UserFactory()
    employee = EmployeeFactory(company=company, connect_subject=account.pk)
    EmployeeLink.objects.create(employee=employee, company=company, account=account, via="test")
    operator = UserFactory(is_superuser=True)
    services.company_activate(company=company, actor=operator)
    services.company_rollback(company=company, actor=operator)
    services.company_activate(company=company, actor=operator)
    employee.refresh_from_db()
    assert employee.connect_subject == account.pk and phase(company) == Phase.CONNECT


def test_readiness_counts_and_reasons() -> None:
    company = preparing()
    with_pw, without_pw = UserFactory(), UserFactory(password=None)
    without_pw.set_unusable_password()
    without_pw.save()
    for account in (with_pw, without_pw):
        e = EmployeeFactory(company=company, connect_subject=account.pk)
        EmployeeLink.objects.create(employee=e, company=company, account=account, via="test")
    EmployeeFactory(company=company, email="")
    EmployeeFactory(company=company, is_active=False)
    EmployeeFactory(company=company)  # no invitation at all
    sent = EmployeeFactory(company=company)
    Invitation.objects.create(
        employee=sent, company=company, status=InvitationStatus.SENT, expires_at=timezone.now() + timedelta(days=3)
    )
    old = EmployeeFactory(company=company)
    Invitation.objects.create(
        employee=old, company=company, status=InvitationStatus.SENT, expires_at=timezone.now() - timedelta(days=1)
    )
    report = selectors.company_readiness(company=company)
    assert (report.total, report.linked, report.with_password, report.covered_by_sso) == (7, 2, 1, 0)
    assert report.by_reason == {
        "no_email": 1,
        "inactive": 1,
        "not_invited": 1,
        "never_clicked": 1,
        "link_expired": 1,
    }
    assert {row.employee.pk: row.reason for row in report.not_provisioned}[sent.pk] == "never_clicked"


def test_status_command_prints_the_report_and_json() -> None:
    company = preparing()
    EmployeeFactory(company=company, email="")
    out = StringIO()
    call_command("provisioning", "status", "--company", company.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["total"] == 1 and data["by_reason"]["no_email"] == 1 and data["phase"] == "preparing"
    out = StringIO()
    call_command("provisioning", "status", "--company", company.slug, stdout=out)
    assert "employees=1" in out.getvalue() and "no_email" in out.getvalue()


def test_activate_and_rollback_commands_refuse_without_confirmation_when_not_interactive() -> None:
    company = preparing()
    with pytest.raises(CommandError, match="--yes"):
        call_command("provisioning", "activate", "--company", company.slug, stdout=StringIO())
    assert phase(company) == Phase.PREPARING
    operator = UserFactory(is_superuser=True, email="op@example.com")
    call_command("provisioning", "activate", "--company", company.slug, "--yes", "--actor", "op@example.com",
                 stdout=StringIO())  # fmt: skip
    assert phase(company) == Phase.CONNECT
    assert ProvisioningEvent.objects.get(company=company, event="phase.activate").actor == operator
    with pytest.raises(CommandError, match="--yes"):
        call_command("provisioning", "rollback", "--company", company.slug, stdout=StringIO())
    with pytest.raises(CommandError, match="superuser"):
        call_command("provisioning", "rollback", "--company", company.slug, "--yes", stdout=StringIO())
    call_command("provisioning", "rollback", "--company", company.slug, "--yes", "--actor", "op@example.com",
                 stdout=StringIO())  # fmt: skip
    assert phase(company) == Phase.PREPARING


def test_scheduled_activation_runs_when_due_and_not_before() -> None:
    company = preparing()
    operator = UserFactory(is_staff=True, email="op@example.com")
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    call_command("provisioning", "activate", "--company", company.slug, "--yes", "--at", at.isoformat(),
                 "--actor", "op@example.com", stdout=StringIO())  # fmt: skip
    assert CompanyMigration.objects.get(company=company).planned_activation_at == at
    assert services.activations_due() == []
    assert services.activations_due(now=at + timedelta(seconds=1)) == [company.slug]
    assert phase(company) == Phase.CONNECT
    assert ProvisioningEvent.objects.get(company=company, event="phase.activate").actor == operator
    with pytest.raises(CommandError, match="ISO"):
        call_command("provisioning", "activate", "--company", company.slug, "--yes", "--at", "tomorrow",
                     stdout=StringIO())  # fmt: skip


def test_a_schedule_in_the_past_is_refused() -> None:
    company = preparing()
    with pytest.raises(services.ProvisioningError):
        services.company_schedule_activation(company=company, at=timezone.now() - timedelta(hours=1), actor=None)
