"""The account page: name, email, language, password, sessions, own events."""

from __future__ import annotations

import pytest
from django.test import Client

from idp.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(lang: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.post("/accounts/login/", {"login": "ada@example.com"})
    client.post("/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD})
    return client


def test_signed_out_visitors_are_sent_to_the_login_page() -> None:
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Your account", "Change password", "Active sessions", "Log out everywhere", "Signed in"]),
        ("sv", ["Ditt konto", "Byt lösenord", "Aktiva sessioner", "Logga ut överallt", "Inloggad"]),
    ],
)
def test_the_page_shows_everything_in_both_languages(person: User, lang: str, words: list[str]) -> None:
    html = signed_in(lang).get("/account/").content.decode()
    assert "ada@example.com" in html
    assert "Ada Lovelace" in html
    for word in words:
        assert word in html, word


def test_name_and_language_can_be_changed(person: User) -> None:
    client = signed_in()
    response = client.post("/account/", {"display_name": "Ada King", "language": "en"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Ada King"
    assert person.preferred_language == "en"
    assert response.cookies["connect_language"].value == "en"
    page = client.get("/account/").content.decode()
    assert "Your details were saved." in page
    assert "Details changed" in page


def test_an_unknown_language_is_refused_next_to_the_field(person: User) -> None:
    client = signed_in()
    html = client.post("/account/", {"display_name": "X", "language": "xx"}).content.decode()
    assert 'aria-describedby="id_language_error"' in html
    person.refresh_from_db()
    assert person.preferred_language == "sv"


def test_changing_the_password_ends_the_other_sessions_only(person: User) -> None:
    here, elsewhere = signed_in(), signed_in()
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long passphrase", "password2": "another long passphrase"},
    )
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Password Reset", "Email"]),
        ("sv", ["Återställ lösenord", "E-postadress", "Glömt ditt lösenord?"]),
    ],
)
def test_allauth_pages_use_connects_layout_in_both_languages(lang: str, words: list[str]) -> None:
    html = Client().get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'href="/static/css/connect.css"' in html
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html, word


PERSON_EVENTS = {
    # event recorded against the person → (English, Swedish) on their account page
    "bankid.login.succeeded": ("Signed in with BankID", "Inloggad med BankID"),
    "mfa.added": ("Passkey or two-step verification added", "Passkey eller tvåstegsverifiering tillagd"),
    "oidc.consent.given": ("Access given to an application", "Åtkomst given till en applikation"),
    "saml.sso": ("Signed in to an application", "Inloggad i en applikation"),
    "provisioning.linked": ("Connected to your HR account", "Kopplad till ditt HR-konto"),
    "a.future.event": ("Account event", "Händelse på kontot"),
}


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_own_events_read_as_words_never_as_code_names(person: User, lang: str) -> None:
    from idp.audit.services import audit_record

    for event in PERSON_EVENTS:
        audit_record(event=event, user=person)
    html = signed_in(lang).get("/account/").content.decode()
    for event, (english, swedish) in PERSON_EVENTS.items():
        assert (english if lang == "en" else swedish) in html, event
        assert event not in html
