"""Email-first sign-in: step 1 asks the address, step 2 the password."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.test import Client

from idp.models import User
from idp.services import account_deactivate
from tests.factories import PASSWORD
from tests.support.login import browser_login, csrf_token, http_login

pytestmark = pytest.mark.django_db


def step1(client: Client, email: str, *, next_url: str = "", lang: str = "en") -> Any:
    query = f"?next={next_url}" if next_url else ""
    page = client.get(f"/accounts/login/{query}", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    return client.post(f"/accounts/login/{query}", {"login": email, "next": next_url}, HTTP_ACCEPT_LANGUAGE=lang)


def step2(client: Client, email: str, password: str, *, next_url: str = "", lang: str = "en") -> Any:
    return client.post(
        "/accounts/login/password/",
        {"login": email, "password": password, "next": next_url},
        HTTP_ACCEPT_LANGUAGE=lang,
        REMOTE_ADDR="192.0.2.10",
    )


def test_step_one_asks_only_for_the_email(client: Client) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'type="email"' in html
    assert 'type="password"' not in html
    assert re.search(r'<label for="id_login">Email address', html)


def test_login_hint_prefills_the_email(client: Client) -> None:
    html = client.get("/accounts/login/?login_hint=ada%40example.com").content.decode()
    assert 'value="ada@example.com"' in html


def test_step_one_refuses_a_malformed_address_next_to_the_field(client: Client) -> None:
    response = client.post("/accounts/login/", {"login": "not-an-address"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_error"' in html
    assert 'id="id_login_error"' in html


def test_two_steps_sign_in_and_keep_next(client: Client, person: User) -> None:
    response = step1(client, "ada@example.com", next_url="/account/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/password/?next=%2Faccount%2F%3Fx%3D1"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ada@example.com" in page
    assert 'type="password"' in page
    assert 'name="next" value="/account/?x=1"' in page
    done = step2(client, "ada@example.com", PASSWORD, next_url="/account/?x=1")
    assert done.status_code == 302
    assert done["Location"] == "/account/?x=1"
    methods = client.session["account_authentication_methods"]
    assert methods[-1]["method"] == "password"
    assert "at" in methods[-1]


def test_next_to_another_site_is_not_followed(client: Client, person: User) -> None:
    step1(client, "ada@example.com", next_url="https://evil.example/")
    done = step2(client, "ada@example.com", PASSWORD, next_url="https://evil.example/")
    assert done.status_code == 302
    assert "evil.example" not in done["Location"]


def test_step_two_without_step_one_goes_back_to_step_one(client: Client) -> None:
    response = client.get("/accounts/login/password/?next=/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Faccount%2F"


MAIN = re.compile(r"<main.*</main>", re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _answer(client: Client, email: str, password: str) -> tuple[int, str]:
    """What the person sees at each step, with their address and the CSRF token blanked."""
    first = step1(client, email)
    pages = [client.get(first["Location"], HTTP_ACCEPT_LANGUAGE="en"), step2(client, email, password)]
    shown = "".join(MAIN.findall(p.content.decode())[0] for p in pages)
    return first.status_code, TOKEN.sub("", shown.replace(email, "EMAIL"))


def test_unknown_and_known_addresses_get_the_same_answers(person: User) -> None:
    known = _answer(Client(), "ada@example.com", "wrong password 123")
    unknown = _answer(Client(), "nobody@example.com", "wrong password 123")
    assert known[0] == unknown[0] == 302
    assert known[1] == unknown[1]
    assert "not correct" in known[1]


def test_the_unknown_address_path_runs_a_full_argon2_hash(person: User, settings: Any) -> None:
    """Same work for unknown and known addresses (no timing oracle): count Argon2 runs."""
    settings.PASSWORD_HASHERS = ["tests.idp.counting_hasher.CountingArgon2", *settings.PASSWORD_HASHERS[1:]]
    from tests.idp.counting_hasher import CountingArgon2

    CountingArgon2.runs = 0
    step2(Client(), "ada@example.com", "wrong password 123")
    known = CountingArgon2.runs
    CountingArgon2.runs = 0
    step2(Client(), "nobody@example.com", "wrong password 123")
    assert known >= 1
    assert CountingArgon2.runs == known


def test_a_deactivated_account_cannot_sign_in(client: Client, person: User) -> None:
    account_deactivate(user=person)
    step1(client, "ada@example.com")
    response = step2(client, "ada@example.com", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"] == "/accounts/inactive/"


def test_an_unverified_address_is_sent_a_verification_mail_not_signed_in(client: Client, mailbox: Any) -> None:
    from idp.services import account_create

    account_create(email="new@example.com", password=PASSWORD)
    step1(client, "new@example.com")
    response = step2(client, "new@example.com", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    mailbox.wait_for(lambda msgs: any("new@example.com" in m["To"] for m in msgs))


def test_an_old_pbkdf2_hash_is_upgraded_to_argon2id_at_login(client: Client, person: User) -> None:
    User.objects.filter(pk=person.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    step1(client, "ada@example.com")
    assert step2(client, "ada@example.com", PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["Log in", "Email address", "Next"]), ("sv", ["Logga in", "E-postadress", "Nästa"])],
)
def test_step_one_in_both_languages(client: Client, lang: str, words: list[str]) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["Password", "Forgot your password?"]), ("sv", ["Lösenord", "Glömt ditt lösenord?"])],
)
def test_step_two_in_both_languages(client: Client, lang: str, words: list[str]) -> None:
    step1(client, "ada@example.com", lang=lang)
    html = client.get("/accounts/login/password/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for word in words:
        assert word in html


@pytest.mark.django_db(transaction=True)
def test_http_login_helper_signs_in_over_the_live_server(site: str) -> None:
    from idp.services import account_create

    account_create(email="grace@example.com", password=PASSWORD, email_verified=True)
    session = requests.Session()
    response = http_login(session, site, "grace@example.com", PASSWORD, next_url="/account/")
    assert response.url == f"{site}/account/"
    assert "grace@example.com" in response.text
    assert EmailAddress.objects.filter(email="grace@example.com", verified=True).exists()


@pytest.mark.django_db(transaction=True)
def test_browser_login_without_javascript_on_a_phone(browser: Any, site: str) -> None:
    from idp.services import account_create

    account_create(email="linus@example.com", password=PASSWORD, email_verified=True)
    context = browser.new_context(locale="sv-SE", java_script_enabled=False, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(f"{site}/accounts/login/?next=/account/")
    browser_login(page, "linus@example.com", PASSWORD)
    page.wait_for_url(f"{site}/account/")
    assert page.get_by_role("heading", name="Ditt konto").is_visible()
    context.close()


def test_csrf_token_helper_finds_the_token(client: Client) -> None:
    assert csrf_token(Client(enforce_csrf_checks=True).get("/accounts/login/").content.decode())


def test_an_altered_address_cookie_is_ignored(client: Client) -> None:
    step1(client, "ada@example.com")
    signed = client.cookies["connect_login_email"].value
    client.cookies["connect_login_email"] = signed.replace("ada@", "eve@")
    response = client.get("/accounts/login/password/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_sign_up_with_a_taken_address_runs_the_same_argon2_work(person: User, settings: Any, mailbox: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.idp.counting_hasher.CountingArgon2", *settings.PASSWORD_HASHERS[1:]]
    from tests.idp.counting_hasher import CountingArgon2

    def signup(email: str) -> int:
        CountingArgon2.runs = 0
        data = {"email": email, "password1": "a long new passphrase", "password2": "a long new passphrase"}
        assert Client().post("/accounts/signup/", data).status_code == 302
        return CountingArgon2.runs

    Client().get("/accounts/signup/")  # first request: URL modules import (hrm hashes a dummy once)
    taken, new = signup("ada@example.com"), signup("newcomer@example.com")
    assert new >= 1
    assert taken == new
