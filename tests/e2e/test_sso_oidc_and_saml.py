"""One Connect session shared by an OIDC client and a SAML service provider.

The OIDC side is the independent client of tests/e2e/oidc_client.py (requests +
joserfc), the SAML side python3-saml in strict mode (tests/idp/saml/onelogin_sp.py);
both talk to the live server through the same browser (a requests.Session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from lxml import etree

from tests.e2e.oidc_client import Client, authorize, pkce_pair, redeem, register, verify_id_token
from tests.e2e.test_saml_sso import NS, assert_wire_format, verified_user
from tests.factories import PASSWORD
from tests.idp.saml.onelogin_sp import (
    TestSP,
    english_browser,
    follow_logout,
    posted_form,
    redirect_request_xml,
    response_xml,
    sign_in_through,
)
from tests.support.login import http_login

pytestmark = pytest.mark.django_db(transaction=True)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def _client(site: str) -> Client:
    # The callback is a path of the live server (a 404 there), so the browser can
    # follow every redirect and the code is read from where it lands.
    return register(
        site,
        redirect_uri=f"{site}/rp-callback/",
        post_logout_redirect_uris=["https://rp.example.com/bye"],
    )


def _sp(site: str, tmp_path: Path) -> TestSP:
    sp = TestSP(site)
    sp.register(tmp_path)
    return sp


def _tokens(site: str, client: Client, landed: requests.Response, verifier: str, nonce: str) -> dict[str, Any]:
    """The client's callback: the code where the browser landed, redeemed and verified."""
    assert landed.url.startswith(client.redirect_uri), landed.url
    params = {k: v[0] for k, v in parse_qs(urlsplit(landed.url).query).items()}
    assert "code" in params, params
    tokens = redeem(client, params["code"], verifier).json()
    tokens["claims"] = verify_id_token(site, client, tokens["id_token"], nonce)
    return tokens


def _oidc_sign_in(site: str, browser: requests.Session, client: Client, email: str) -> dict[str, Any]:
    """Code + PKCE: the client sends the browser to Connect, which asks for the password once."""
    verifier, challenge = pkce_pair()
    nonce = "n-" + verifier[:8]
    start = authorize(browser, client, challenge=challenge, extra={"nonce": nonce})
    login = urlsplit(start.headers["Location"])
    assert login.path == "/accounts/login/", start.headers["Location"]
    landed = http_login(browser, site, email, PASSWORD, next_url=parse_qs(login.query)["next"][0])
    return _tokens(site, client, landed, verifier, nonce)


def _saml_sign_on_without_password(site: str, browser: requests.Session, sp: TestSP) -> Any:
    url, request_id = sp.login_redirect()
    page = browser.get(url)
    # No login page anywhere on the way: Connect answers at once.
    visited = [page.url, *(r.headers.get("Location", "") for r in page.history)]
    assert not [u for u in visited if "/accounts/login/" in u], visited
    action, form = posted_form(page)
    assert action == sp.acs
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert auth.is_authenticated()
    assert_wire_format(response_xml(form), sp=sp, request_id=request_id, site=site)
    return auth


def test_oidc_sign_in_then_saml_sign_on_without_a_password(site: str, tmp_path: Path) -> None:
    client, sp = _client(site), _sp(site, tmp_path)
    user = verified_user(given_name="Ada", family_name="Lovelace")
    browser = english_browser()

    tokens = _oidc_sign_in(site, browser, client, user.email)
    assert tokens["claims"]["sub"] == str(user.pk)
    assert tokens["claims"]["email"] == user.email

    auth = _saml_sign_on_without_password(site, browser, sp)
    assert auth.get_nameid_format() == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    assert auth.get_nameid() and user.email not in auth.get_nameid()
    assert auth.get_attribute("urn:oid:0.9.2342.19200300.100.1.3") == [user.email]
    assert auth.get_friendlyname_attribute("givenName") == ["Ada"]


def test_saml_sign_on_then_oidc_code_without_a_login_page(site: str, tmp_path: Path) -> None:
    client, sp = _client(site), _sp(site, tmp_path)
    user = verified_user()
    browser = english_browser()

    url, request_id = sp.login_redirect()
    login_page = browser.get(url)
    assert "/accounts/login/" in login_page.url
    auth = sp.accept(posted_form(sign_in_through(browser, site, login_page, user.email, PASSWORD))[1], request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert auth.get_attribute("urn:oid:0.9.2342.19200300.100.1.3") == [user.email]

    verifier, challenge = pkce_pair()
    start = authorize(browser, client, challenge=challenge, extra={"nonce": "n-saml-first"})
    assert start.status_code == 302 and start.headers["Location"].startswith(client.redirect_uri), start.headers
    tokens = _tokens(site, client, browser.get(start.headers["Location"]), verifier, "n-saml-first")
    assert tokens["claims"]["sub"] == str(user.pk)
    assert tokens["claims"]["email"] == user.email


def test_rp_initiated_logout_ends_the_saml_session_too(site: str, tmp_path: Path) -> None:
    client, sp = _client(site), _sp(site, tmp_path)
    user = verified_user()
    browser = english_browser()
    tokens = _oidc_sign_in(site, browser, client, user.email)
    saml = _saml_sign_on_without_password(site, browser, sp)

    # OIDC RP-Initiated Logout 1.0 §2: id_token_hint + a registered post_logout_redirect_uri.
    hop = browser.get(
        client.metadata["end_session_endpoint"],
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://rp.example.com/bye",
            "state": "s-1",
        },
        allow_redirects=False,
    )
    told, location = follow_logout(browser, site, hop, [sp])
    assert [host for host, _url in told] == [sp.host]
    # SAML Profiles §4.4.3.3 / Bindings §3.4.4.1: the SP got a LogoutRequest signed
    # with RSA-SHA256 for the very NameID it was given at sign-on.
    reached = told[0][1]
    query = parse_qs(urlsplit(reached).query)
    assert query["SigAlg"] == [RSA_SHA256] and query["Signature"], reached
    request = etree.fromstring(redirect_request_xml(reached).encode())
    assert request.tag == f"{{{NS['samlp']}}}LogoutRequest"
    assert request.find("saml:NameID", NS).text == saml.get_nameid()
    # OIDC RP-Initiated Logout 1.0 §3: back to the registered URI, with the state.
    assert location.startswith("https://rp.example.com/bye"), location
    assert parse_qs(urlsplit(location).query)["state"] == ["s-1"]

    # Both sessions are over: the SP's next AuthnRequest gets the login page, not a response…
    url, _request_id = sp.login_redirect()
    assert "/accounts/login/" in browser.get(url).url
    # …and so does the client's next authorization.
    again = authorize(browser, client, challenge=pkce_pair()[1])
    assert urlsplit(again.headers["Location"]).path == "/accounts/login/"
