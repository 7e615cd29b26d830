"""Every authentication event lands in the audit log (never a password), and
the admin shows it filterable and read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from idp.audit.models import AuditEvent
from idp.models import User
from idp.services import account_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

AGENT = "AuditTest/2.0"


def login(client: Client, email: str, password: str) -> Any:
    client.post("/accounts/login/", {"login": email})
    return client.post(
        "/accounts/login/password/",
        {"login": email, "password": password},
        REMOTE_ADDR="192.0.2.40",
        HTTP_USER_AGENT=AGENT,
    )


def test_login_failure_success_logout_and_password_change_are_recorded(person: User) -> None:
    client = Client()
    login(client, "ada@example.com", "a wrong password")
    login(client, "nobody@example.com", "a wrong password")
    login(client, "ada@example.com", PASSWORD)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long passphrase", "password2": "another long passphrase"},
    )
    client.post("/accounts/logout/")
    events = list(AuditEvent.objects.order_by("created_at", "pk").values_list("event", "user", "email"))
    assert events[1:] == [
        ("login.failed", person.pk, "ada@example.com"),
        ("login.failed", None, "nobody@example.com"),
        ("login.succeeded", person.pk, "ada@example.com"),
        ("password.changed", person.pk, "ada@example.com"),
        ("sessions.ended", person.pk, ""),  # the other sessions, none here
        ("oidc.tokens.revoked", person.pk, ""),  # and the refresh tokens of connected apps
        ("logout", person.pk, "ada@example.com"),
    ]
    failed = AuditEvent.objects.filter(event="login.failed").first()
    assert failed is not None
    assert failed.ip_address == "192.0.2.40"
    assert failed.user_agent == AGENT
    for row in AuditEvent.objects.all():
        assert PASSWORD not in str(row.data)
        assert "a wrong password" not in str(row.data)


def test_each_event_is_also_a_structured_log_line(person: User, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="connect.audit"):
        login(Client(), "ada@example.com", "a wrong password")
    lines = [r for r in caplog.records if r.getMessage() == "login.failed"]
    assert lines
    assert "a wrong password" not in caplog.text


def test_email_verification_is_recorded(mailbox: Any) -> None:
    import re

    from tests.support.smtp import body_text

    client = Client()
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a long enough passphrase", "password2": "a long enough passphrase"},
    )
    message = mailbox.wait_for(lambda msgs: any("new@example.com" in m["To"] for m in msgs))[-1]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body_text(message))
    assert link
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    client.post(path)
    assert AuditEvent.objects.filter(event="email.verified", email="new@example.com").exists()


@pytest.fixture
def admin_client_(db: None) -> Client:
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    client = Client()
    client.force_login(admin)
    return client


def test_the_admin_lists_filters_and_never_edits(admin_client_: Client, person: User) -> None:
    login(Client(), "ada@example.com", "a wrong password")
    login(Client(), "ada@example.com", PASSWORD)
    listing = admin_client_.get("/admin/idp_audit/auditevent/?event=login.failed", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    html = listing.content.decode()
    table = html.split('id="result_list"')[1].split("</table>")[0]
    assert "login.failed" in table
    assert "login.succeeded" not in table
    assert admin_client_.get("/admin/idp_audit/auditevent/add/").status_code == 403
    row = AuditEvent.objects.filter(event="login.failed").first()
    assert row is not None
    detail = admin_client_.post(f"/admin/idp_audit/auditevent/{row.pk}/change/", {"event": "edited"})
    assert detail.status_code in {200, 403}
    row.refresh_from_db()
    assert row.event == "login.failed"
    assert admin_client_.post(f"/admin/idp_audit/auditevent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_operators_own_actions_name_the_actor(person: User) -> None:
    admin = account_create(email="op@example.com", password=PASSWORD, email_verified=True)
    from idp.services import account_deactivate

    account_deactivate(user=person, actor=admin)
    row = AuditEvent.objects.get(event="account.deactivated")
    assert row.actor == admin
    assert row.user == person
