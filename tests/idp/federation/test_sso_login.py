"""Company SSO end to end: Connect's email-first page sends a company's addresses
to the company's own OIDC provider (a real server, tests.support.upstream_idp),
and on return signs in only the provisioned account of that address.

The browser is requests; every step is an HTTP request a browser would make."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from idp.audit.models import AuditEvent
from idp.models import User
from idp.services import account_create
from tests.factories import PASSWORD
from tests.support.login import csrf_token
from tests.support.upstream_idp import UpstreamIdP

pytestmark = pytest.mark.django_db(transaction=True)

UPSTREAM_FORM = re.compile(r"<form method='post' action='/authorize'>(.*?)</form>", re.S)
HIDDEN_FIELD = re.compile(r'name="([^"]+)" value="([^"]*)"')


def new_browser(language: str = "en") -> requests.Session:
    browser = requests.Session()
    browser.headers["Accept-Language"] = language
    return browser


def start_sso(browser: requests.Session, site: str, email: str, next_url: str = "/account/") -> requests.Response:
    """Step 1 of Connect's login with a company address: lands on the upstream's page."""
    step1 = browser.get(f"{site}/accounts/login/", params={"next": next_url})
    return browser.post(
        step1.url,
        data={"csrfmiddlewaretoken": csrf_token(step1.text), "login": email, "next": next_url},
        headers={"Referer": step1.url},
    )


def continue_upstream(browser: requests.Session, upstream_page: requests.Response) -> requests.Response:
    """Press "Continue" on the upstream's sign-in page; follow back to Connect."""
    match = UPSTREAM_FORM.search(upstream_page.text)
    assert match, upstream_page.text[:500]
    fields = dict(HIDDEN_FIELD.findall(match.group(1)))
    return browser.post(
        f"{urlsplit(upstream_page.url)._replace(path='/authorize', query='').geturl()}",
        data={k: v.replace("&amp;", "&") for k, v in fields.items()},
    )


def session_methods(browser: requests.Session) -> list[dict[str, Any]]:
    store: SessionBase = import_string(django_settings.SESSION_ENGINE).SessionStore(
        session_key=browser.cookies.get(django_settings.SESSION_COOKIE_NAME)
    )
    return list(store.get("account_authentication_methods", []))


def test_round_trip_signs_in_the_provisioned_account_without_a_password(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    federate("examplecorp", "examplecorp.se")
    user = account_create(email="anna@examplecorp.se", email_verified=True, display_name="Anna")
    assert not user.has_usable_password()
    upstream.identity = {"sub": "upstream-anna", "email": "Anna@ExampleCorp.se", "email_verified": True}
    browser = new_browser()

    page = start_sso(browser, site, "anna@examplecorp.se")
    # Step 1 went to the company's IdP, not to Connect's password step.
    assert page.url.startswith(f"{upstream.issuer}/authorize?")
    query = parse_qs(urlsplit(page.url).query)
    assert query["login_hint"] == ["anna@examplecorp.se"]
    assert query["code_challenge_method"] == ["S256"]
    assert "Password" not in page.text

    landed = continue_upstream(browser, page)
    assert landed.url == f"{site}/account/"
    assert "anna@examplecorp.se" in landed.text
    assert upstream.token_requests == 1

    link = SocialAccount.objects.get()
    assert (link.user_id, link.provider, link.uid) == (user.pk, "examplecorp", "upstream-anna")
    methods = session_methods(browser)
    assert [m["method"] for m in methods] == ["socialaccount"]
    assert methods[0]["provider"] == "examplecorp"
    assert AuditEvent.objects.filter(event="federation.linked", user=user).count() == 1

    # Again, from another browser: the same account, no second link, no new account.
    again = new_browser()
    assert continue_upstream(again, start_sso(again, site, "anna@examplecorp.se")).url == f"{site}/account/"
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert AuditEvent.objects.filter(event="federation.login", user=user).count() == 2


def test_other_domains_still_get_the_password_step(site: str, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    page = start_sso(new_browser(), site, "someone@elsewhere.se")
    assert page.url.startswith(f"{site}/accounts/login/password/")


def test_unverified_email_upstream_is_refused(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", email_verified=True)
    browser = new_browser()
    for verified in (False, "true", None):
        upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se"}
        if verified is not None:
            upstream.identity["email_verified"] = verified
        answer = continue_upstream(browser, start_sso(browser, site, "anna@examplecorp.se"))
        assert answer.status_code == 403
        assert "has not verified your email address" in answer.text
        assert not session_methods(browser)
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.filter(event="federation.refused", data__reason="email_unverified").count() == 3


def test_an_upstream_cannot_sign_in_someone_of_another_company(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("alpha", "alpha.se")
    federate("beta", "beta.se")
    account_create(email="bo@beta.se", email_verified=True)
    # Alpha's IdP asserts (verified!) an address in Beta's domain.
    upstream.identity = {"sub": "alpha-1", "email": "bo@beta.se", "email_verified": True}
    browser = new_browser()
    page = start_sso(browser, site, "eve@alpha.se")
    assert "/oidc/alpha/login/callback/" in parse_qs(urlsplit(page.url).query)["redirect_uri"][0]
    answer = continue_upstream(browser, page)
    assert answer.status_code == 403
    assert "outside your company" in answer.text
    assert not session_methods(browser)
    assert not SocialAccount.objects.exists()
    assert browser.get(f"{site}/account/").url.startswith(f"{site}/accounts/login/")


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Ask your administrator to give you access"), ("sv", "Be din administratör om åtkomst")],
)
def test_unknown_person_is_told_to_ask_their_administrator(
    site: str, upstream: UpstreamIdP, federate: Any, language: str, words: str
) -> None:
    federate("examplecorp", "examplecorp.se")
    upstream.identity = {"sub": "upstream-new", "email": "new@examplecorp.se", "email_verified": True}
    browser = new_browser(language)
    answer = continue_upstream(browser, start_sso(browser, site, "new@examplecorp.se"))
    assert answer.status_code == 403
    assert words in answer.text
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_a_linked_upstream_identity_cannot_switch_to_another_account(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    federate("examplecorp", "examplecorp.se")
    anna = account_create(email="anna@examplecorp.se", email_verified=True)
    account_create(email="boss@examplecorp.se", email_verified=True)
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}
    first = new_browser()
    assert continue_upstream(first, start_sso(first, site, "anna@examplecorp.se")).url == f"{site}/account/"
    # Upstream now claims Anna's identity (same sub) is the boss.
    upstream.identity = {"sub": "upstream-anna", "email": "boss@examplecorp.se", "email_verified": True}
    second = new_browser()
    answer = continue_upstream(second, start_sso(second, site, "boss@examplecorp.se"))
    assert answer.status_code == 403
    assert "already linked to another Connect account" in answer.text
    assert SocialAccount.objects.get().user_id == anna.pk


def test_a_connect_password_does_not_bypass_the_company_idp(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    """Posting straight to the password step with a company address and a valid
    password signs nobody in: the company's IdP decides (it may have offboarded them)."""
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", password=PASSWORD, email_verified=True)
    browser = new_browser()
    step1 = browser.get(f"{site}/accounts/login/")
    answer = browser.post(
        f"{site}/accounts/login/password/",
        data={"csrfmiddlewaretoken": csrf_token(step1.text), "login": "anna@examplecorp.se", "password": PASSWORD},
        headers={"Referer": step1.url},
    )
    assert answer.url.startswith(f"{upstream.issuer}/authorize?")
    assert not session_methods(browser)
    assert browser.get(f"{site}/account/").url.startswith(f"{site}/accounts/login/")


def test_next_outside_connect_is_not_followed(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", email_verified=True)
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}
    browser = new_browser()
    page = start_sso(browser, site, "anna@examplecorp.se", next_url="https://evil.example/steal")
    assert continue_upstream(browser, page).url == f"{site}/account/"


def test_a_forged_callback_signs_nobody_in(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    """A callback whose state this browser never started (login CSRF, OAuth 2.0
    RFC 6749 §10.12) gets allauth's error page, not a session."""
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", email_verified=True)
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}
    victim, attacker = new_browser(), new_browser()
    page = start_sso(attacker, site, "anna@examplecorp.se")
    match = UPSTREAM_FORM.search(page.text)
    assert match
    fields = {k: v.replace("&amp;", "&") for k, v in HIDDEN_FIELD.findall(match.group(1))}
    # The attacker gets a code at the upstream, then hands the callback URL to the victim.
    to_callback = attacker.post(f"{upstream.issuer}/authorize", data=fields, allow_redirects=False)
    answer = victim.get(to_callback.headers["Location"])
    assert 400 <= answer.status_code < 500  # allauth: "Third-party login failure"
    assert "/account/" not in answer.url
    assert not session_methods(victim)
    assert upstream.token_requests == 0
    assert not SocialAccount.objects.exists()


def test_an_unreachable_company_idp_gets_a_clear_page(site: str, upstream: UpstreamIdP, federate: Any) -> None:
    federate("examplecorp", "examplecorp.se")
    upstream.stop()
    answer = start_sso(new_browser(), site, "anna@examplecorp.se")
    assert answer.status_code == 502
    assert "could not be reached" in answer.text
    assert "Traceback" not in answer.text


def test_an_upstream_app_without_a_company_entry_signs_nobody_in(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    """allauth's own provider URL, for an app that is not (or no longer) a company IdP."""
    provider = federate("examplecorp", "examplecorp.se")
    provider.is_active = False
    provider.save(update_fields=["is_active"])
    account_create(email="anna@examplecorp.se", email_verified=True)
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}
    browser = new_browser()
    step1 = browser.get(f"{site}/accounts/login/")
    page = browser.post(
        f"{site}/accounts/oidc/examplecorp/login/",
        data={"csrfmiddlewaretoken": csrf_token(step1.text), "process": "login"},
        headers={"Referer": step1.url},
    )
    answer = continue_upstream(browser, page)
    assert answer.status_code == 403
    assert "not set up in Connect" in answer.text
    assert not session_methods(browser)
    assert not SocialAccount.objects.exists()


def test_an_account_provisioned_by_an_administrator_signs_in_and_is_verified(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    """Provisioned after the switch (address not verified yet, no password): the
    company's IdP verifying the address signs them in and verifies it."""
    federate("examplecorp", "examplecorp.se")
    user = account_create(email="late@examplecorp.se", email_verified=False)
    upstream.identity = {"sub": "upstream-late", "email": "late@examplecorp.se", "email_verified": True}
    browser = new_browser()
    assert continue_upstream(browser, start_sso(browser, site, "late@examplecorp.se")).url == f"{site}/account/"
    assert EmailAddress.objects.get(user=user).verified
    assert User.objects.count() == 1


def test_an_unverified_account_with_a_password_is_not_taken_over(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    """Someone opened an account with this address and never verified it: its
    password holder must not get the company person's sign-in (pre-hijacking)."""
    federate("examplecorp", "examplecorp.se")
    account_create(email="anna@examplecorp.se", password=PASSWORD, email_verified=False)
    upstream.identity = {"sub": "upstream-anna", "email": "anna@examplecorp.se", "email_verified": True}
    browser = new_browser()
    answer = continue_upstream(browser, start_sso(browser, site, "anna@examplecorp.se"))
    assert answer.status_code == 403
    assert not session_methods(browser)
    assert not SocialAccount.objects.exists()
