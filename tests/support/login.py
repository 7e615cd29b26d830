"""Signing in to Connect the way a person does, through the real login pages.

Every end-to-end test signs in through these two helpers, so a change of the
login pages (email first, then password) is made here once.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

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
    """Sign in with a plain HTTP client; returns the response after the last redirect."""
    login_url = urljoin(site, "/accounts/login/") + (f"?next={requests.utils.quote(next_url)}" if next_url else "")
    page = session.get(login_url)
    response = session.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf_token(page.text), "login": email, "password": password, "next": next_url},
        headers={"Referer": page.url},
    )
    return response


def browser_login(page: Any, email: str, password: str) -> None:
    """Fill in Connect's login form on the current page (a Playwright page)."""
    page.get_by_label(re.compile("e-?mail", re.I)).fill(email)
    page.get_by_label(re.compile("password|lösenord", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("sign in|log in|logga in", re.I)).click()
