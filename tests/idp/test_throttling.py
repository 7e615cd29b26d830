"""Failed logins are throttled per account and per client address, in the shared cache."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from django.test import Client

from idp.audit.models import AuditEvent
from idp.models import User
from idp.services import account_create
from tests.factories import PASSWORD
from tests.support.login import http_login

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed sign-in attempts"


def attempt(email: str, password: str, *, ip: str = "192.0.2.20", **headers: str) -> str:
    response = Client().post(
        "/accounts/login/password/",
        {"login": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    return response.content.decode() if response.status_code == 200 else f"redirect {response['Location']}"


def test_after_five_failures_even_the_right_password_is_refused_with_when_to_retry(person: User) -> None:
    for _ in range(5):
        assert "not correct" in attempt("ada@example.com", "wrong password 1")
    answer = attempt("ada@example.com", PASSWORD)
    assert TOO_MANY in answer
    # The five failures fade out of the sliding window: at most 6 minutes.
    minutes = re.search(r"Try again in (\d+) minutes?", answer)
    assert minutes is not None
    assert 1 <= int(minutes.group(1)) <= 6
    throttled = AuditEvent.objects.get(event="login.throttled")
    assert throttled.email == "ada@example.com"
    assert throttled.ip_address == "192.0.2.20"


def test_posts_that_check_no_password_do_not_count_as_failures(person: User) -> None:
    # The flood check reserves the attempt's slot in the same round trip; a POST
    # whose password is never checked (left empty) must give it back.
    for _ in range(6):
        assert "not correct" not in attempt("ada@example.com", "")
    assert attempt("ada@example.com", PASSWORD) == "redirect /account/"
    for _ in range(5):
        assert "not correct" in attempt("ada@example.com", "wrong password 1")
    assert TOO_MANY in attempt("ada@example.com", PASSWORD)


def test_case_and_unicode_variants_share_one_counter(person: User) -> None:
    # Full-width letters fold to ASCII under NFKC.
    variants = [
        "ADA@example.com",
        "Ada@Example.COM",
        "\uff41\uff44\uff41@example.com",  # full-width "ada"
        " ada@example.com",
        "ada@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com",  # full-width "EXAMPLE"
    ]
    for number, variant in enumerate(variants):
        assert "not correct" in attempt(variant, "wrong password 1", ip=f"198.51.100.{number}")
    assert TOO_MANY in attempt("ada@example.com", PASSWORD, ip="198.51.100.99")


def test_one_address_is_throttled_across_accounts_and_a_forged_forwarded_for_does_not_help(db: None) -> None:
    # Different (unknown) accounts each time, so only the per-address limit can stop it;
    # a fresh X-Forwarded-For per attempt must not make a fresh address.
    for number in range(20):
        answer = attempt(f"victim{number}@example.com", "guess", HTTP_X_FORWARDED_FOR=f"10.9.8.{number}")
        assert "not correct" in answer
    answer = attempt("victim99@example.com", "guess", HTTP_X_FORWARDED_FOR="10.9.8.250")
    assert TOO_MANY in answer
    assert "not correct" in attempt("victim99@example.com", "guess", ip="192.0.2.21")


def test_with_one_trusted_proxy_the_proxys_view_of_the_client_counts(db: None, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client forges the left part; the proxy appends the real address on the right.
    for number in range(20):
        attempt(f"v{number}@example.com", "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.7")
    assert TOO_MANY in attempt("v99@example.com", "guess", HTTP_X_FORWARDED_FOR="10.0.0.250, 203.0.113.7")
    assert "not correct" in attempt("v99@example.com", "guess", HTTP_X_FORWARDED_FOR="10.0.0.250, 203.0.113.8")


def test_successful_logins_do_not_reset_the_account_counter(person: User) -> None:
    for _ in range(4):
        attempt("ada@example.com", "wrong password 1")
    assert attempt("ada@example.com", PASSWORD).startswith("redirect")
    assert "not correct" in attempt("ada@example.com", "wrong password 1")
    assert TOO_MANY in attempt("ada@example.com", PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_against_the_live_server_get_no_more_than_the_limit(site: str) -> None:
    account_create(email="target@example.com", password=PASSWORD, email_verified=True)

    def browser() -> requests.Session:
        session = requests.Session()
        session.headers["Accept-Language"] = "en"
        return session

    def guess(number: int) -> str:
        return http_login(browser(), site, "target@example.com", f"guess number {number}").text

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(guess, range(24)))
    checked = [a for a in answers if "not correct" in a]
    throttled = [a for a in answers if TOO_MANY in a]
    assert len(checked) + len(throttled) == 24
    assert len(checked) <= 5
    assert TOO_MANY in http_login(browser(), site, "target@example.com", PASSWORD).text


@pytest.mark.parametrize(("lang", "text"), [("en", "Too many requests"), ("sv", "För många förfrågningar")])
def test_a_flood_of_logins_gets_connects_own_429_page(person: User, settings: Any, lang: str, text: str) -> None:
    settings.CONNECT_LOGIN_FLOOD_RATE = "1/m/ip"
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.post("/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD})
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).post(
        "/accounts/login/password/", {"login": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert text in html
    assert 'href="/static/css/connect.css"' in html
