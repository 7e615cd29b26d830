"""HRM during preparation: the banner after a legacy login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD, EmployeeFactory
from tests.provisioning.helpers import link_in, mail_for, path_of, start
from tests.support.login import csrf_token
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_the_banner_asks_to_verify_offers_a_resend_and_says_ready_once_linked(
    celery_worker: Any, mailbox: SmtpSink, site: str, client: Client
) -> None:
    employee = EmployeeFactory(email="lisa@example.com")
    slug = employee.company.slug
    client.post(f"/hrm/{slug}/login/", {"username": employee.legacy_username, "password": PASSWORD})
    assert "provisioning/banner" not in client.get(f"/hrm/{slug}/").content.decode(), "no banner before the campaign"

    start(employee.company)
    mail_for(mailbox, "lisa@example.com")
    home = client.get(f"/hrm/{slug}/").content.decode()
    assert "lisa@example.com" in home and "/provisioning/banner/resend/" in home

    ticket = home.split('name="ticket" value="')[1].split('"')[0]
    resent = client.post("/provisioning/banner/resend/", {"ticket": ticket, "csrfmiddlewaretoken": csrf_token(home)})
    assert resent.status_code == 302 and resent["Location"] == f"/hrm/{slug}/?provisioning=sent"
    link = link_in(mail_for(mailbox, "lisa@example.com", count=2))
    assert client.post("/provisioning/banner/resend/", {"ticket": ticket + "x"}).status_code == 400

    client.post(path_of(link))
    ready = client.get(f"/hrm/{slug}/").content.decode()
    assert "/provisioning/banner/resend/" not in ready
    assert "You are ready for Connect" in ready or "Du är redo för Connect" in ready
    gone = client.get(f"/hrm/{slug}/").content.decode()
    assert "ready for Connect" not in gone and "redo för Connect" not in gone
    # The legacy login still works all through the preparation.
    client.post(f"/hrm/{slug}/logout/")
    again = client.post(f"/hrm/{slug}/login/", {"username": employee.legacy_username, "password": PASSWORD})
    assert again.status_code == 302
