"""After the switch: the administrator provisions those who were away ("Provision
selected"), the mail's link sets the password and verifies the address, and the
person logs in to HRM through Connect. Real worker, real SMTP, live server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from idp import selectors as idp_selectors
from idp.audit.models import AuditEvent
from idp.models import User
from provisioning import absentees, services
from provisioning.models import CompanyMigration, CompanyStaff, EmployeeLink, PasswordSetup, Phase, ProvisioningEvent
from tests.e2e.test_switch_login import hrm_login
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory
from tests.provisioning.helpers import mail_for
from tests.support.smtp import SmtpSink, body_html, body_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

CHANGELIST = "/admin/provisioning/connectemployee/"
SETUP_LINK = re.compile(r"https?://[^\s\"<>]+/provisioning/setup/\d+/[0-9a-f]+/")
NEW_PASSWORD = "a brand new passphrase 42"


def activated_company(**kwargs: Any) -> Any:
    company = CompanyFactory(**kwargs)
    CompanyMigration.objects.create(company=company, phase=Phase.PREPARING)
    services.company_activate(company=company, actor=None)
    return company


def staff_of(company: Any) -> Any:
    user = UserFactory(is_staff=True)
    CompanyStaff.objects.create(user=user, company=company)
    return user


def test_provision_selected_mails_a_set_password_link_that_verifies_and_logs_in(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    call_command("connect_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    company, other = activated_company(), activated_company()
    away = EmployeeFactory(company=company, email="away@example.com", first_name="Alva")
    no_email = EmployeeFactory(company=company, email="", last_name="Nomail")
    shared = [EmployeeFactory(company=company, email="desk@example.com") for _ in range(2)]
    theirs = EmployeeFactory(company=other, email="theirs@example.com", last_name="Otherson")
    staff = staff_of(company)
    client.force_login(staff)

    listing = client.get(CHANGELIST).content.decode()
    assert away.last_name in listing and "Otherson" not in listing
    # The administrator never sees a password or its hash, and cannot edit the employee here.
    detail = client.get(f"{CHANGELIST}{away.pk}/change/").content.decode()
    assert away.legacy_password_hash not in detail and "argon2" not in detail and 'type="password"' not in detail
    selected = [away.pk, no_email.pk, shared[0].pk, theirs.pk]
    ask = client.post(CHANGELIST, {"action": "provision_selected", "_selected_action": selected})
    assert ask.status_code == 200 and 'name="post" value="yes"' in ask.content.decode()
    assert not EmployeeLink.objects.exists(), "nothing happens before confirming"

    done = client.post(
        CHANGELIST,
        {"action": "provision_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "No email address" in done and "Email address shared with a colleague" in done
    # Only the one with a usable address of the staff's own company got an account.
    assert list(EmployeeLink.objects.values_list("employee_id", flat=True)) == [away.pk]
    account = User.objects.get(email="away@example.com")
    assert not account.has_usable_password() and not idp_selectors.email_is_verified(account)
    assert ProvisioningEvent.objects.filter(event="link.created", actor=staff, employee=away).exists()
    assert AuditEvent.objects.filter(event="account.created", user=account, actor=staff).exists()

    message = mail_for(mailbox, "away@example.com")
    links = SETUP_LINK.findall(body_text(message))
    assert links and set(links) == set(SETUP_LINK.findall(body_html(message)))
    path = urlsplit(links[0]).path
    person = Client()
    assert person.get(path).status_code == 200  # a GET (a mail scanner) changes nothing
    account.refresh_from_db()
    assert not account.has_usable_password() and not idp_selectors.email_is_verified(account)
    mismatch = person.post(path, {"password1": NEW_PASSWORD, "password2": "other"}, HTTP_ACCEPT_LANGUAGE="en")
    assert mismatch.status_code == 400 and "do not match" in mismatch.content.decode()
    ok = person.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert ok.status_code == 200 and "is verified" in ok.content.decode()
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD) and idp_selectors.email_is_verified(account)
    again = person.post(path, {"password1": "another passphrase 7", "password2": "another passphrase 7"})
    assert again.status_code == 410
    assert person.post(path[:-3] + "00/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 410

    landed = hrm_login(site, company, "away@example.com", NEW_PASSWORD)
    assert urlsplit(landed.url).path == f"/hrm/{company.slug}/" and "Alva" in landed.text


def test_provisioning_reuses_the_verified_account_of_the_same_person(celery_worker: Any, mailbox: SmtpSink) -> None:
    from allauth.account.models import EmailAddress

    company = activated_company()
    person = UserFactory(email="known@example.com")
    EmailAddress.objects.create(user=person, email="known@example.com", primary=True, verified=True)
    employee = EmployeeFactory(company=company, email="Known@Example.com")
    assert absentees.employee_provision(employee=employee, actor=None) == "linked_existing"
    employee.refresh_from_db()
    assert employee.connect_subject == person.pk
    assert User.objects.filter(email="known@example.com").count() == 1
    with pytest.raises(services.ProvisioningError):
        absentees.employee_provision(employee=employee, actor=None)


def test_provisioning_waits_for_the_switch_and_never_takes_over_an_unverified_account(
    celery_worker: Any, mailbox: SmtpSink
) -> None:
    preparing = CompanyFactory()
    CompanyMigration.objects.create(company=preparing, phase=Phase.PREPARING)
    with pytest.raises(services.ProvisioningError):
        absentees.employee_provision(employee=EmployeeFactory(company=preparing), actor=None)
    company = activated_company()
    UserFactory(email="squatter@example.com")  # signed up, never verified
    employee = EmployeeFactory(company=company, email="squatter@example.com")
    with translation.override("en"), pytest.raises(services.ProvisioningError, match="never verified"):
        absentees.employee_provision(employee=employee, actor=None)
    assert not EmployeeLink.objects.exists() and not PasswordSetup.objects.exists()


def test_provisioning_twice_sends_a_new_link_and_kills_the_old_one(celery_worker: Any, mailbox: SmtpSink) -> None:
    company = activated_company()
    employee = EmployeeFactory(company=company, email="twice@example.com")
    assert absentees.employee_provision(employee=employee, actor=None) == "created"
    first = SETUP_LINK.findall(body_text(mail_for(mailbox, "twice@example.com")))[0]
    assert absentees.employee_provision(employee=employee, actor=None) == "resent"
    second = SETUP_LINK.findall(body_text(mail_for(mailbox, "twice@example.com", count=2)))[0]
    assert first != second
    assert Client().get(urlsplit(first).path).status_code == 410
    assert Client().get(urlsplit(second).path).status_code == 200
    assert User.objects.filter(email="twice@example.com").count() == 1
