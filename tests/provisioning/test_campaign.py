"""The campaign with a real worker on Redis and a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning import services
from provisioning.models import (
    Campaign,
    CompanyMigration,
    Invitation,
    InvitationStatus,
    OutboxMail,
    Phase,
    ProvisioningEvent,
    SkipReason,
)
from tests.factories import CompanyFactory, EmployeeFactory
from tests.provisioning.helpers import campaign_done, link_in, mail_for, start, wait_until
from tests.support.smtp import SmtpSink, body_html, body_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_every_reachable_employee_gets_one_mail_and_the_rest_are_listed_with_a_reason(
    celery_worker: Any, mailbox: SmtpSink, site: str
) -> None:
    company = CompanyFactory(name="Kvarnbolaget AB")
    reachable = [EmployeeFactory(company=company, email=f"ok{n}@kvarn.example") for n in range(4)]
    no_email = EmployeeFactory(company=company, email="")
    shared = [EmployeeFactory(company=company, email=e) for e in ("team@kvarn.example", "Team@Kvarn.example")]
    inactive = EmployeeFactory(company=company, email="gone@kvarn.example", is_active=False)

    start(company)

    for employee in reachable:
        message = mail_for(mailbox, employee.email)
        assert "Kvarnbolaget AB" in body_text(message) and "Kvarnbolaget AB" in body_html(message)
        # Swedish and English in one mail, plain text and HTML.
        assert "Verifiera din e-postadress" in message["Subject"] and "Verify your email address" in message["Subject"]
        assert "In English" in body_text(message)
        assert link_in(message).startswith(site)
    wait_until(lambda: campaign_done(company))
    assert CompanyMigration.objects.get(company=company).phase == Phase.PREPARING
    company.refresh_from_db()
    assert company.login_method == "legacy", "the legacy login stays during preparation"

    skipped = dict(Invitation.objects.filter(status=InvitationStatus.SKIPPED).values_list("employee_id", "skip_reason"))
    assert skipped == {
        no_email.pk: SkipReason.NO_EMAIL,
        shared[0].pk: SkipReason.SHARED_EMAIL,
        shared[1].pk: SkipReason.SHARED_EMAIL,
        inactive.pk: SkipReason.INACTIVE,
    }
    for address in ("team@kvarn.example", "gone@kvarn.example"):
        assert mailbox.to(address) == []

    # Starting again sends nothing twice.
    start(company)
    wait_until(lambda: campaign_done(company))
    assert Campaign.objects.filter(company=company).count() == 1
    assert OutboxMail.objects.count() == 4
    assert all(len(mailbox.to(e.email)) == 1 for e in reachable)
    assert Invitation.objects.filter(status=InvitationStatus.SENT).count() == 4


def test_a_campaign_that_crashed_after_one_chunk_resumes_where_it_stopped(
    celery_worker: Any, mailbox: SmtpSink, site: str, settings: Any
) -> None:
    company = CompanyFactory()
    employees = [EmployeeFactory(company=company) for _ in range(5)]
    # The state a crash leaves: preparing, a campaign, one chunk done, the next never queued.
    CompanyMigration.objects.create(company=company, phase=Phase.PREPARING)
    campaign = Campaign.objects.create(company=company, total=5)
    settings.PROVISIONING_CHUNK_SIZE = 2
    assert services.campaign_run_chunk(campaign_id=campaign.pk) is True
    campaign.refresh_from_db()
    assert campaign.processed == 2

    start(company)  # the operator starts again: the campaign resumes

    wait_until(lambda: campaign_done(company))
    for employee in employees:
        mail_for(mailbox, employee.email)
    wait_until(lambda: Invitation.objects.filter(status=InvitationStatus.SENT).count() == 5)
    assert all(len(mailbox.to(e.email)) == 1 for e in employees)
    campaign.refresh_from_db()
    assert (campaign.processed, campaign.queued, campaign.skipped) == (5, 5, 0)


def test_starting_is_audited_with_the_operator_and_refused_after_activation(
    celery_worker: Any, mailbox: SmtpSink
) -> None:
    from tests.factories import UserFactory

    operator = UserFactory()
    company = CompanyFactory()
    services.company_start_preparation(company=company, actor=operator)
    services.company_start_preparation(company=company, actor=operator)  # idempotent
    events = ProvisioningEvent.objects.filter(company=company, event="phase.start_preparation")
    assert [(e.actor_id, e.data["before"], e.data["after"]) for e in events] == [(operator.pk, "legacy", "preparing")]
    CompanyMigration.objects.filter(company=company).update(phase=Phase.CONNECT)
    with pytest.raises(services.TransitionNotAllowed):
        services.company_start_preparation(company=company, actor=operator)
