"""The admin: staff scoped to their company, bulk actions with confirmation, progress, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from provisioning.models import CompanyMigration, CompanyStaff, Invitation, InvitationStatus, ProvisioningEvent
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory
from tests.provisioning.helpers import campaign_done, mail_for, start, wait_until
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

CHANGELIST = "/admin/provisioning/invitation/"


def staff_of(company: Any) -> Any:
    user = UserFactory(is_staff=True)
    CompanyStaff.objects.create(user=user, company=company)
    return user


def test_staff_see_and_act_on_their_own_company_only(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    ours, theirs = CompanyFactory(name="Ours AB"), CompanyFactory(name="Theirs AB")
    mine = EmployeeFactory(company=ours, last_name="Mineson", email="mine@example.com")
    EmployeeFactory(company=ours, last_name="Nomail", email="")
    other = EmployeeFactory(company=theirs, last_name="Otherson")
    start(ours)
    start(theirs)
    mail_for(mailbox, mine.email)
    mail_for(mailbox, other.email)
    wait_until(lambda: campaign_done(ours) and campaign_done(theirs))

    staff = staff_of(ours)
    client.force_login(staff)
    listing = client.get(CHANGELIST).content.decode()
    assert "Mineson" in listing and "Nomail" in listing and "Otherson" not in listing
    assert "0 resultat" in client.get(CHANGELIST + "?q=Otherson").content.decode()
    assert "Nomail" in client.get(CHANGELIST + "?skip_reason__exact=no_email").content.decode()

    # Bulk resend: a confirmation page first, then the mail, audited with the staff user.
    theirs_invitation = Invitation.objects.get(employee=other)
    mine_invitation = Invitation.objects.get(employee=mine)
    ask = client.post(CHANGELIST, {"action": "send_invitations", "_selected_action": [mine_invitation.pk]})
    assert ask.status_code == 200 and 'name="post" value="yes"' in ask.content.decode()
    assert len(mailbox.to(mine.email)) == 1, "nothing sent before confirming"
    client.post(
        CHANGELIST,
        {"action": "send_invitations", "_selected_action": [mine_invitation.pk, theirs_invitation.pk], "post": "yes"},
    )
    mail_for(mailbox, mine.email, count=2)
    assert ProvisioningEvent.objects.filter(event="invitation.resend", actor=staff, employee=mine).exists()
    assert not ProvisioningEvent.objects.filter(event="invitation.resend", employee=other).exists()

    # CSV export of the status list: own company only, audited.
    export = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [mine_invitation.pk]})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][:2] == ["company", "employee_number"] and [r[3] for r in rows[1:]] == ["Mineson"]
    assert ProvisioningEvent.objects.filter(event="admin.export_csv", actor=staff).exists()

    # The campaign page: numbers and a server-rendered SVG chart of verified employees.
    Invitation.objects.filter(pk=mine_invitation.pk).update(
        status=InvitationStatus.VERIFIED_LINKED, verified_at=timezone.now()
    )
    migration = CompanyMigration.objects.get(company=ours)
    page = client.get(f"/admin/provisioning/companymigration/{migration.pk}/campaign/").content.decode()
    assert "<polyline" in page and "<script>" not in page, "server-rendered SVG, no inline script"
    other_page = client.get(
        f"/admin/provisioning/companymigration/{CompanyMigration.objects.get(company=theirs).pk}/campaign/"
    )
    assert other_page.status_code == 404


def test_staff_without_a_company_see_nothing_and_superusers_see_all(client: Client) -> None:
    EmployeeFactory()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get("/admin/provisioning/companystaff/").status_code == 200


def test_starting_the_preparation_from_the_admin_asks_first_and_is_audited(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    employee = EmployeeFactory()
    migration = CompanyMigration.objects.create(company=employee.company)
    staff = staff_of(employee.company)
    client.force_login(staff)
    url = "/admin/provisioning/companymigration/"
    ask = client.post(url, {"action": "start_preparation", "_selected_action": [migration.pk]})
    assert 'name="post" value="yes"' in ask.content.decode()
    assert not ProvisioningEvent.objects.filter(event="phase.start_preparation").exists()
    client.post(url, {"action": "start_preparation", "_selected_action": [migration.pk], "post": "yes"})
    mail_for(mailbox, employee.email)
    assert ProvisioningEvent.objects.filter(event="phase.start_preparation", actor=staff).exists()
