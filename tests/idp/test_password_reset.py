"""Forgot your password: same answer for every address, a link from the site
URL that works once and within the hour, and other sessions end after it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client

from idp.audit.models import AuditEvent
from idp.models import ConnectSession, User
from tests.factories import PASSWORD
from tests.support.smtp import body_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"
LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")
MAIN = re.compile(r"<main.*</main>", re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def ask_reset(client: Client, email: str, **extra: Any) -> Any:
    client.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/accounts/password/reset/", {"email": email}, HTTP_ACCEPT_LANGUAGE="en", **extra)


def reset_link(mailbox: Any, email: str) -> str:
    messages = mailbox.wait_for(lambda msgs: any(email in m["To"] for m in msgs))
    match = LINK.search(body_text(messages[-1]))
    assert match, body_text(messages[-1])
    return match.group(0)


def follow_and_set(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(f"/{path}", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else f"/{path}",
        {"password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_known_and_unknown_addresses_see_the_same_page(person: User, mailbox: Any) -> None:
    known = ask_reset(Client(), "ada@example.com")
    unknown = ask_reset(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    mailbox.wait_for(lambda msgs: len(msgs) == 2)  # the unknown one is told no account exists
    assert AuditEvent.objects.filter(event="password.reset_requested", user=person).exists()
    assert AuditEvent.objects.filter(event="password.reset_requested", email="nobody@example.com", user=None).exists()


def test_the_link_is_built_from_the_site_url_not_the_host_header(person: User, mailbox: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]  # even behind a proxy that passes any Host through
    settings.SITE_URL = "https://connect.example.com"
    ask_reset(Client(), "ada@example.com", HTTP_HOST="evil.example")
    assert reset_link(mailbox, "ada@example.com").startswith("https://connect.example.com/accounts/password/reset/key/")
    # The other mails a visitor can trigger: unknown address, sign-up (new and taken).
    ask_reset(Client(), "nobody@example.com", HTTP_HOST="evil.example")
    for email in ("new@example.com", "ada@example.com"):
        Client().post(
            "/accounts/signup/",
            {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            HTTP_HOST="evil.example",
        )
    messages = mailbox.wait_for(lambda msgs: len(msgs) == 4)
    for message in messages:
        assert "evil.example" not in body_text(message)
        assert "https://connect.example.com/" in body_text(message)


def test_the_link_works_once_and_ends_every_session(person: User, mailbox: Any) -> None:
    other_device = Client()
    other_device.post("/accounts/login/", {"login": "ada@example.com"})
    other_device.post("/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD})
    assert other_device.get("/account/").status_code == 200

    ask_reset(Client(), "ada@example.com")
    link = reset_link(mailbox, "ada@example.com")
    done = follow_and_set(Client(), link)
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert other_device.get("/account/").status_code == 302
    # Only the browser that reset is signed in now (ACCOUNT_LOGIN_ON_PASSWORD_RESET).
    assert ConnectSession.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(event="password.reset_done", user=person).exists()

    again = follow_and_set(Client(), link, "yet another passphrase 7")
    assert again.status_code == 200
    assert "bad token" in again.content.decode().lower() or "invalid" in again.content.decode().lower()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_the_link_expires_within_the_hour(person: User, mailbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ask_reset(Client(), "ada@example.com")
    link = reset_link(mailbox, "ada@example.com")
    later = datetime.now() + timedelta(hours=1, minutes=1)  # noqa: DTZ005  (Django's token clock is naive)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    follow_and_set(Client(), link)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_link_dies_when_the_account_changes(person: User, mailbox: Any) -> None:
    ask_reset(Client(), "ada@example.com")
    link = reset_link(mailbox, "ada@example.com")
    person.set_password("changed elsewhere meanwhile 9")
    person.save()
    follow_and_set(Client(), link)
    person.refresh_from_db()
    assert person.check_password("changed elsewhere meanwhile 9")


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "too short"), ("password123", "too common"), ("1234567890123", "entirely numeric")],
)
def test_short_and_common_passwords_are_refused_with_the_reason(
    person: User, mailbox: Any, password: str, reason: str
) -> None:
    ask_reset(Client(), "ada@example.com")
    response = follow_and_set(Client(), reset_link(mailbox, "ada@example.com"), password)
    assert response.status_code == 200
    assert reason in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_signup_answers_the_same_for_a_taken_address(person: User, mailbox: Any) -> None:
    def signup(email: str) -> Any:
        client = Client()
        client.get("/accounts/signup/")
        return client.post(
            "/accounts/signup/",
            {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

    taken, free = signup("ada@example.com"), signup("someone.new@example.com")
    assert taken.redirect_chain == free.redirect_chain
    shown = [
        TOKEN.sub("", MAIN.findall(r.content.decode())[0]).replace(email, "EMAIL")
        for r, email in ((taken, "ada@example.com"), (free, "someone.new@example.com"))
    ]
    assert shown[0] == shown[1]
    mailbox.wait_for(lambda msgs: len(msgs) == 2)
    assert User.objects.filter(email="ada@example.com").count() == 1
    assert User.objects.filter(email="someone.new@example.com").exists()
