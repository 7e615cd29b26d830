"""Passkey ceremonies over HTTP against the live server, with the software
authenticator of tests.support.webauthn (what a browser would post)."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.account.utils import user_pk_to_url_str

from idp.services import account_create
from tests.factories import PASSWORD
from tests.support.login import csrf_token, http_login
from tests.support.webauthn import SoftAuthenticator

LOGIN = "/accounts/2fa/webauthn/login/"
ADD = "/accounts/2fa/webauthn/add/"
_JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.S)


def verified_user(email: str, *, password: str | None = PASSWORD) -> Any:
    return account_create(email=email, password=password, email_verified=True, language="en")


def authenticator_for(site: str, user: Any) -> SoftAuthenticator:
    return SoftAuthenticator(
        rp_id=urlsplit(site).hostname or "", origin=site, user_handle=user_pk_to_url_str(user).encode()
    )


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


def add_passkey(
    session: requests.Session, site: str, authenticator: SoftAuthenticator, name: str = "Laptop", **kwargs: Any
) -> requests.Response:
    """The account page's "Add a passkey" (already signed in with a password)."""
    page = session.get(site + ADD)
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page = session.post(
            page.url,
            data={"csrfmiddlewaretoken": csrf_token(page.text), "password": PASSWORD},
            headers={"Referer": page.url},
        )
    match = _JS_DATA.search(page.text)
    assert match, page.text[:2000]
    options = json.loads(html.unescape(match.group(1)))["creation_options"]["publicKey"]
    credential = authenticator.register(options["challenge"], **kwargs)
    return session.post(
        site + ADD,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "name": name,
            "passwordless": "on",
            "credential": json.dumps(credential),
        },
        headers={"Referer": page.url},
    )


def login_options(session: requests.Session, site: str) -> dict[str, Any]:
    response = session.get(site + LOGIN, headers={"Accept": "application/json"})
    response.raise_for_status()
    return dict(response.json()["request_options"]["publicKey"])


def post_assertion(
    session: requests.Session, site: str, credential: dict[str, Any], next_url: str = ""
) -> requests.Response:
    page = session.get(site + "/accounts/login/")
    data = {"csrfmiddlewaretoken": csrf_token(page.text), "credential": json.dumps(credential)}
    if next_url:
        data["next"] = next_url
    return session.post(site + LOGIN, data=data, headers={"Referer": page.url})


def passkey_login(
    session: requests.Session, site: str, authenticator: SoftAuthenticator, next_url: str = "", **kwargs: Any
) -> requests.Response:
    session.get(site + "/accounts/login/")
    options = login_options(session, site)
    return post_assertion(session, site, authenticator.assert_(options["challenge"], **kwargs), next_url)


def password_session(site: str, email: str) -> requests.Session:
    session = new_session()
    http_login(session, site, email, PASSWORD)
    return session
