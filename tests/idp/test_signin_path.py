"""The password sign-in's database work (idp.signin) and what it must not change:
one read, one write and the session, with the same answers allauth's own queries
would give."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import has_verified_email
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from idp.audit.models import AuditEvent
from idp.models import User
from idp.services import account_create, account_signed_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECOND_FACTOR = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    client.post("/accounts/login/", {"login": email})
    return client.post("/accounts/login/password/", {"login": email, "password": password}, REMOTE_ADDR="192.0.2.7")


def test_the_read_gives_the_account_as_the_orm_does(person: User) -> None:
    read = User.objects.get_by_natural_key("ADA@Example.com")
    plain = User.objects.get(pk=person.pk)
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(plain, field.attname), field.name
    assert read._state.adding is False
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("nobody@example.com")


def test_the_read_answers_allauths_questions_without_asking_again(person: User) -> None:
    EmailAddress.objects.create(user=person, email="ada.second@example.com", verified=False)
    user = User.objects.get_by_natural_key("ada@example.com")
    with CaptureQueriesContext(connection) as queries:
        assert has_verified_email(user, "ada@example.com") is True
        assert has_verified_email(user, "ada.second@example.com") is False  # every address is there, as it is
        assert has_verified_email(user, "someone.else@example.com") is False
        assert is_mfa_enabled(user, SECOND_FACTOR) is False
    assert queries.captured_queries == []
    # Another question than the one the read answered goes to the database.
    assert is_mfa_enabled(user, [Authenticator.Type.RECOVERY_CODES]) is False


def test_the_read_sees_a_second_factor(person: User) -> None:
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert is_mfa_enabled(User.objects.get_by_natural_key("ada@example.com"), SECOND_FACTOR) is True


def test_a_recovery_code_alone_is_no_second_factor(person: User) -> None:
    Authenticator.objects.create(user=person, type=Authenticator.Type.RECOVERY_CODES, data={})
    assert is_mfa_enabled(User.objects.get_by_natural_key("ada@example.com"), SECOND_FACTOR) is False


def test_an_unverified_address_read_this_way_is_still_unverified(db: None) -> None:
    account_create(email="new@example.com", password=PASSWORD)
    assert has_verified_email(User.objects.get_by_natural_key("new@example.com"), "new@example.com") is False


def test_a_password_sign_in_costs_three_queries(client: Client, person: User) -> None:
    """The account read, the last-login stamp with its audit row, the new session:
    allauth's stages ask nothing more (the cost bench/bench_login.py measures)."""
    client.post("/accounts/login/", {"login": "ada@example.com"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
        )
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    # (The test's own transaction adds savepoints around the session insert.)
    statements = [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements == ["SELECT", "WITH", "INSERT"], [q["sql"][:80] for q in queries.captured_queries]


@pytest.mark.parametrize("single_statement", [True, False], ids=["postgresql", "other databases"])
def test_a_sign_in_stamps_last_login_and_writes_its_audit_row(
    person: User, single_statement: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if not single_statement:
        monkeypatch.setattr(connection, "vendor", "sqlite")  # the ORM fallback, on this database
    before = User.objects.get(pk=person.pk).last_login
    with caplog.at_level(logging.INFO, logger="connect.audit"):
        account_signed_in(user=person, ip_address="192.0.2.7", user_agent="Firefox" * 100)
    stored = User.objects.get(pk=person.pk)
    row = AuditEvent.objects.get(event="login.succeeded")
    assert stored.last_login is not None and stored.last_login != before
    assert stored.last_login == row.created_at == person.last_login
    assert (row.user_id, row.email, row.ip_address, row.actor_id) == (person.pk, "ada@example.com", "192.0.2.7", None)
    assert row.user_agent == ("Firefox" * 100)[:300]
    assert row.data == {}
    assert [r.message for r in caplog.records] == ["login.succeeded"]


def test_a_sign_in_still_ends_reset_links_sent_before_it(client: Client, person: User) -> None:
    """Django's reset tokens hash last_login: the stamp (now one statement with the
    audit row) must still change it at every sign-in."""
    token = default_token_generator.make_token(User.objects.get(pk=person.pk))
    assert sign_in(client, "ada@example.com").status_code == 302
    assert default_token_generator.check_token(User.objects.get(pk=person.pk), token) is False


def test_no_signed_in_message_waits_for_a_later_page(client: Client, person: User) -> None:
    """allauth's "Successfully signed in as …" would wait in a cookie for the next
    Connect page, which after a sign-in into another application comes out of context."""
    assert sign_in(client, "ada@example.com").status_code == 302
    page = client.get("/account/").content.decode()
    assert 'class="messages"' not in page
    assert "Successfully signed in" not in page and "Du har loggat in" not in page
    client.post("/accounts/logout/")
    after = client.get("/accounts/login/").content.decode()  # in the person's language (Swedish)
    assert '<li class="message message-success">Du har loggat ut.</li>' in after  # the other messages stay
