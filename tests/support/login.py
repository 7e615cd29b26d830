"""Signing in to Connect the way a person does, through the real login pages.

Every end-to-end test signs in through these two helpers, so a change of the
login pages is made here once. Connect signs in email first: step 1 asks the
address, step 2 the password (and, later, other ways to sign in).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urljoin

import requests

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise AssertionError("no CSRF token on the page")
    return match.group(1)


def http_login(
    session: requests.Session, site: str, email: str, password: str, *, next_url: str = ""
) -> requests.Response:
    """Sign in with a plain HTTP client; returns the response after the last redirect.

    With ``next_url`` it starts where an application sends a person
    (LOGIN_URL?next=...) and ends wherever Connect sends them after sign-in.
    """
    login_url = urljoin(site, "/accounts/login/") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    step1 = session.get(login_url)
    step1.raise_for_status()
    step2 = session.post(
        step1.url,
        data={"csrfmiddlewaretoken": csrf_token(step1.text), "login": email, "next": next_url},
        headers={"Referer": step1.url},
    )
    step2.raise_for_status()
    return session.post(
        step2.url,
        data={"csrfmiddlewaretoken": csrf_token(step2.text), "login": email, "password": password, "next": next_url},
        headers={"Referer": step2.url},
    )


def browser_login(page: Any, email: str, password: str) -> None:
    """Sign in on Connect's login page, already open in ``page`` (Playwright):
    the email, "Next", then the password and "Log in"."""
    page.get_by_label(re.compile("e-?post|e-?mail", re.I)).fill(email)
    page.get_by_role("button", name=re.compile("^(next|nästa)$", re.I)).click()
    page.get_by_label(re.compile("password|lösenord", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^(log in|logga in|sign in)$", re.I)).click()
