"""Connect's sign-on session: server-side, listed and ended per person, idle
timeout and absolute lifetime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.test import Client
from django.utils import timezone

from idp.audit.models import AuditEvent
from idp.models import ConnectSession, User
from idp.services import account_deactivate, account_sessions_end
from idp.sessions import SessionStore
from idp.signals import account_sessions_ended
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(email: str = "ada@example.com", *, agent: str = "TestBrowser/1.0", ip: str = "192.0.2.30") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/login/", {"login": email})
    response = client.post("/accounts/login/password/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def test_a_session_is_a_row_with_its_owner_address_and_agent(person: User) -> None:
    client = signed_in(agent="Firefox on Linux", ip="192.0.2.31")
    row = ConnectSession.objects.get(user=person)
    assert row.session_key == client.session.session_key
    assert row.ip_address == "192.0.2.31"
    assert row.user_agent == "Firefox on Linux"


def test_the_account_page_lists_sessions_and_ends_another_one(person: User) -> None:
    laptop = signed_in(agent="Laptop browser")
    phone = signed_in(agent="Phone browser")
    page = laptop.get("/account/").content.decode()
    assert "Laptop browser" in page and "Phone browser" in page
    assert "This device" in page
    phone_row = ConnectSession.objects.get(session_key=phone.session.session_key)
    assert phone.session.session_key not in page  # the secret key is never shown
    response = laptop.post(f"/account/sessions/{phone_row.handle}/end/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="session.ended", user=person).exists()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_a_person_cannot_end_someone_elses_session(person: User) -> None:
    from idp.services import account_create

    account_create(email="eve@example.com", password=PASSWORD, email_verified=True)
    victim = signed_in()
    eve = signed_in("eve@example.com")
    victim_row = ConnectSession.objects.get(session_key=victim.session.session_key)
    eve.post(f"/account/sessions/{victim_row.handle}/end/")
    assert is_signed_in(victim)


def test_log_out_everywhere_ends_every_session(person: User) -> None:
    first, second = signed_in(), signed_in()
    ended: list[Any] = []
    account_sessions_ended.connect(lambda sender, **kw: ended.append(kw["user"]), weak=False, dispatch_uid="t")
    try:
        response = first.post("/account/logout-everywhere/")
    finally:
        account_sessions_ended.disconnect(dispatch_uid="t")
    assert response.status_code == 302
    assert not is_signed_in(first)
    assert not is_signed_in(second)
    assert ended == [person]
    assert not ConnectSession.objects.filter(user=person).exists()
    row = AuditEvent.objects.get(event="sessions.ended")
    assert (row.user, row.data) == (person, {"reason": "logout_everywhere", "ended": 1})


def test_deactivation_ends_sessions_at_once(person: User) -> None:
    client = signed_in()
    account_deactivate(user=person)
    assert not is_signed_in(client)


def test_ending_sessions_leaves_other_peoples_alone(person: User) -> None:
    from idp.services import account_create

    other = account_create(email="bob@example.com", password=PASSWORD, email_verified=True)
    mine, theirs = signed_in(), signed_in("bob@example.com")
    assert account_sessions_end(user=person) == 1
    assert not is_signed_in(mine)
    assert is_signed_in(theirs)
    assert ConnectSession.objects.filter(user=other).count() == 1


def test_idle_timeout_ends_a_quiet_session(person: User, settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # the documented default
    client = signed_in()
    row = ConnectSession.objects.get(session_key=client.session.session_key)
    # Activity pushes the expiry forward; 31 quiet minutes leave it in the past.
    assert row.expire_date > timezone.now() + timedelta(minutes=29)
    ConnectSession.objects.filter(pk=row.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not is_signed_in(client)


def test_activity_cannot_extend_a_session_past_the_absolute_lifetime(person: User, settings: Any) -> None:
    assert settings.CONNECT_SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60
    client = signed_in()
    key = client.session.session_key
    ConnectSession.objects.filter(session_key=key).update(created_at=timezone.now() - timedelta(hours=9, minutes=59))
    assert is_signed_in(client)  # still inside 10 h, and active
    ConnectSession.objects.filter(session_key=key).update(created_at=timezone.now() - timedelta(hours=10, seconds=1))
    assert not is_signed_in(client)
    assert not ConnectSession.objects.filter(session_key=key).exists()


def test_a_request_on_an_ended_session_does_not_bring_it_back(person: User) -> None:
    client = signed_in()
    key = client.session.session_key
    store = client.session
    assert store["_auth_user_id"] == str(person.pk)  # the request has loaded it…
    ConnectSession.objects.filter(session_key=key).delete()  # …then "log out everywhere" ran
    store["touched"] = True
    with pytest.raises(UpdateError):
        store.save()
    assert not ConnectSession.objects.filter(session_key=key).exists()


def test_the_session_cookie_is_httponly_and_samesite(person: User) -> None:
    client = signed_in()
    cookie = client.cookies["connect_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_deactivating_in_the_admin_ends_sessions_and_names_the_admin(person: User) -> None:
    client = signed_in()
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    staff = Client()
    staff.force_login(admin)
    page = staff.get(f"/admin/idp/user/{person.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"groups", "user_permissions", "is_active"}
    }
    data.update({"email": person.email, "preferred_language": "sv"})
    response = staff.post(f"/admin/idp/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert not person.is_active
    assert not is_signed_in(client)
    row = AuditEvent.objects.get(event="account.deactivated")
    assert row.actor == admin


def test_signing_in_gives_a_new_session_key(person: User) -> None:
    """Session fixation: a session key planted before sign-in is worth nothing after."""
    planted_store = SessionStore()
    planted_store["planted"] = True
    planted_store.create()
    before = planted_store.session_key
    assert before
    client = Client()
    client.cookies["connect_session"] = before
    client.post("/accounts/login/", {"login": "ada@example.com"})
    client.post("/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD})
    after = client.cookies["connect_session"].value
    assert after != before
    assert not ConnectSession.objects.filter(session_key=before).exists()
    assert ConnectSession.objects.get(session_key=after).user == person
    attacker = Client()
    attacker.cookies["connect_session"] = before
    assert not is_signed_in(attacker)


def test_a_visitor_who_only_types_an_address_costs_no_session_row(db: None) -> None:
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "ada@example.com"})
    assert response.status_code == 302
    assert not ConnectSession.objects.exists()
    cookie = client.cookies["connect_login_email"]
    assert cookie["httponly"] and cookie["path"] == "/accounts/login/"
    assert "ada@example.com" in client.get(response["Location"]).content.decode()
