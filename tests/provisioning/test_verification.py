"""The verification link from a real mail, against the promises in SECURITY.md."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from hrm.models import Employee
from idp.models import User
from provisioning.models import EmployeeLink, Invitation, InvitationStatus, OutboxMail, ProvisioningEvent
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory
from tests.provisioning.helpers import link_in, mail_for, path_of, start, wait_until
from tests.support.login import csrf_token
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

STRONG = "Lingon-Sylt-Fjäll-42"


def invited(mailbox: SmtpSink, **employee: Any) -> tuple[Employee, str]:
    person = EmployeeFactory(**employee)
    start(person.company)
    link = link_in(mail_for(mailbox, person.email))
    wait_until(lambda: Invitation.objects.filter(employee=person, status=InvitationStatus.SENT).exists())
    return person, link


def test_opening_the_link_changes_nothing_and_confirming_creates_and_links_one_account(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    person, link = invited(mailbox, email="Karin.Lind@Example.com", first_name="Karin", last_name="Lind")

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "karin.lind@example.com" in page.content.decode()
    assert not User.objects.filter(email="karin.lind@example.com").exists(), "GET (a mail scanner) confirms nothing"
    assert Invitation.objects.get(employee=person).status == InvitationStatus.SENT

    response = client.post(path_of(link))
    assert response.status_code == 302
    account = User.objects.get(email="karin.lind@example.com")
    assert EmailAddress.objects.get(user=account).verified
    person.refresh_from_db()
    assert person.connect_subject == account.pk
    link_row = EmployeeLink.objects.get(employee=person)
    assert link_row.account == account and link_row.linked_by == account and link_row.linked_at is not None
    assert Invitation.objects.get(employee=person).status == InvitationStatus.VERIFIED_LINKED
    assert ProvisioningEvent.objects.filter(employee=person, event="link.created", actor=account).exists()

    # The optional password: reasons for a weak one, then a good one.
    weak = client.post(response["Location"], {"password1": "1234", "password2": "1234"})
    assert weak.status_code == 400
    assert "too short" in weak.content.decode() or "för kort" in weak.content.decode()
    done = client.post(response["Location"], {"password1": STRONG, "password2": STRONG})
    assert done.status_code == 200
    account.refresh_from_db()
    assert account.check_password(STRONG)

    # Single use: the same link again changes nothing and says so.
    again = client.post(path_of(link))
    assert again.status_code == 410
    assert User.objects.filter(email="karin.lind@example.com").count() == 1
    assert EmployeeLink.objects.filter(employee=person).count() == 1


def test_the_password_step_may_be_skipped(celery_worker: Any, mailbox: SmtpSink, site: str, client: Client) -> None:
    person, link = invited(mailbox)
    response = client.post(path_of(link))
    skipped = client.post(response["Location"], {"skip": "1"})
    assert skipped.status_code == 200
    account = User.objects.get(email=person.email)
    assert not account.has_usable_password()
    assert client.get(response["Location"]).content.decode().count('name="password1"') == 0, "offered once"


def test_an_existing_verified_account_is_reused_and_its_password_is_not_offered(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    existing = UserFactory(email="eva@example.com")
    EmailAddress.objects.create(user=existing, email="eva@example.com", primary=True, verified=True)
    person, link = invited(mailbox, email="eva@example.com")
    response = client.post(path_of(link))
    assert response.status_code == 200, "no password step for an account that has one"
    person.refresh_from_db()
    assert person.connect_subject == existing.pk
    assert User.objects.filter(email="eva@example.com").count() == 1


def test_the_link_never_links_the_logged_in_account_nor_a_look_alike(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    # "\u0430nna" with a Cyrillic a: another address, however alike it looks.
    look_alike = UserFactory(email="\u0430nna@example.com")
    EmailAddress.objects.create(user=look_alike, email=look_alike.email, primary=True, verified=True)
    client.force_login(look_alike)
    person, link = invited(mailbox, email="anna@example.com")
    client.post(path_of(link))
    person.refresh_from_db()
    assert person.connect_subject != look_alike.pk
    assert person.connect_subject == User.objects.get(email="anna@example.com").pk


def test_expired_and_altered_links_change_nothing_and_offer_a_new_link(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    person, link = invited(mailbox)
    altered = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
    page = client.post(path_of(altered))
    assert page.status_code == 400
    assert "Send me a new link" in page.content.decode() or "Skicka en ny länk" in page.content.decode()
    assert not User.objects.filter(email=person.email).exists()

    Invitation.objects.filter(employee=person).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.post(path_of(link))
    assert expired.status_code == 410
    assert not User.objects.filter(email=person.email).exists()
    assert Invitation.objects.get(employee=person).status == InvitationStatus.EXPIRED

    invitation = Invitation.objects.get(employee=person)
    assert client.post(f"/provisioning/new-link/{invitation.pk}/").status_code == 200
    new_link = link_in(mail_for(mailbox, person.email, count=2))
    assert new_link != link
    assert client.post(path_of(link)).status_code == 400, "the old link is replaced"
    assert client.post(path_of(new_link)).status_code == 302
    person.refresh_from_db()
    assert person.connect_subject is not None


def test_new_links_are_rate_limited(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client, settings: Any
) -> None:
    settings.PROVISIONING_RESEND_LIMIT = 2
    person, _link = invited(mailbox)
    invitation = Invitation.objects.get(employee=person)
    answers = []
    for count in (2, 3, 3):
        answers.append(client.post(f"/provisioning/new-link/{invitation.pk}/").status_code)
        mail_for(mailbox, person.email, count=count)
    assert answers == [200, 200, 429]
    wait_until(lambda: OutboxMail.objects.filter(invitation=invitation, sent_at__isnull=False).count() == 3)
    assert len(mailbox.to(person.email)) == 3


def test_tokens_are_stored_only_as_hashes_and_never_logged(
    celery_worker: Any, mailbox: SmtpSink, site: str, caplog: pytest.LogCaptureFixture
) -> None:
    person, link = invited(mailbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(employee=person)
    stored = [str(v) for v in Invitation.objects.filter(pk=invitation.pk).values().first().values()]
    stored += [str(v) for row in OutboxMail.objects.filter(invitation=invitation).values() for v in row.values()]
    assert token not in " ".join(stored)
    assert invitation.token_hash and invitation.token_hash != token
    assert celery_worker is None or token not in Path(celery_worker.log).read_text()
    assert token not in caplog.text


def test_two_confirmations_at_the_same_moment_make_one_account_and_one_link(
    celery_worker: Any, mailbox: SmtpSink, site: str
) -> None:
    person, link = invited(mailbox)
    sessions = [requests.Session() for _ in range(2)]
    tokens = [csrf_token(s.get(link).text) for s in sessions]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def confirm(index: int) -> None:
        barrier.wait()
        response = sessions[index].post(
            link, data={"csrfmiddlewaretoken": tokens[index]}, headers={"Referer": link}, allow_redirects=False
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 410]
    assert User.objects.filter(email=person.email).count() == 1
    assert EmployeeLink.objects.filter(employee=person).count() == 1
    person.refresh_from_db()
    assert person.connect_subject == User.objects.get(email=person.email).pk


def test_two_companies_confirming_one_address_at_once_share_one_account(
    celery_worker: Any, mailbox: SmtpSink, site: str
) -> None:
    first = EmployeeFactory(email="same@example.com", company=CompanyFactory())
    second = EmployeeFactory(email="same@example.com", company=CompanyFactory())
    start(first.company)
    start(second.company)
    mailbox.wait_for(lambda msgs: len([m for m in msgs if "same@example.com" in str(m["To"])]) == 2)
    links = [link_in(m) for m in mailbox.to("same@example.com")]
    sessions = [requests.Session() for _ in links]
    tokens = [csrf_token(s.get(u).text) for s, u in zip(sessions, links, strict=True)]
    barrier = threading.Barrier(2)
    pages: list[str] = []

    def confirm(index: int) -> None:
        barrier.wait()
        response = sessions[index].post(
            links[index], data={"csrfmiddlewaretoken": tokens[index]}, headers={"Referer": links[index]}
        )
        pages.append(response.text)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    account = User.objects.get(email="same@example.com")
    assert all("Set a Connect password" in p or "Ange ett Connect-lösenord" in p for p in pages), pages
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.connect_subject == second.connect_subject == account.pk
