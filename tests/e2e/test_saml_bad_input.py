"""Requests Connect must refuse on its own error page, never answering the SP (SECURITY.md, SAML 2.0)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.idp.saml.onelogin_sp import TestSP

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def sp(site: str, tmp_path: Path) -> TestSP:
    service = TestSP(site)
    service.register(tmp_path)
    return service


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=30, headers=ENGLISH)


def post(url: str, data: dict[str, str]) -> requests.Response:
    return requests.post(url, data=data, timeout=30, headers=ENGLISH)


def assert_refused(response: requests.Response, message: str) -> None:
    """Our page, a clear message, nothing posted anywhere, no stack trace."""
    assert response.status_code == 400, response.text[:1000]
    assert "Sign-in could not continue" in response.text
    assert message in response.text, response.text[:2000]
    assert "SAMLResponse" not in response.text
    assert "Traceback" not in response.text


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


def test_unknown_sp_is_refused(site: str, sp: TestSP) -> None:
    stranger = TestSP(site, host="stranger.example.test")
    url, _id = stranger.login_redirect()
    assert_refused(get(url), "not registered with Connect")


def test_error_page_speaks_swedish_by_default(site: str, sp: TestSP) -> None:
    stranger = TestSP(site, host="stranger.example.test")
    url, _id = stranger.login_redirect()
    page = requests.get(url, timeout=30)
    assert page.status_code == 400
    assert "Inloggningen kunde inte fortsätta" in page.text
    assert "inte registrerad i Connect" in page.text


def test_unsigned_request_is_refused_when_the_sp_must_sign(site: str, sp: TestSP) -> None:
    fields, _id = sp.login_post(sign=False)
    assert_refused(post(sp.sso_post_url, fields), "must sign its requests")
    unsigned = TestSP(site, sign_requests=False)  # same entity, forgets to sign
    url, _id = unsigned.login_redirect()
    assert "Signature=" not in url
    assert_refused(get(url), "must sign its requests")


def test_altered_redirect_signature_is_refused(site: str, sp: TestSP) -> None:
    url, _id = sp.login_redirect(relay_state="https://sp.example.test/a")
    # The signature covers RelayState (Bindings §3.4.4.1): change it and the signature breaks.
    assert_refused(get(_with_query(url, RelayState="https://evil.example/")), "not valid")
    signature = parse_qs(urlsplit(url).query)["Signature"][0]
    flipped = base64.b64encode(bytes([base64.b64decode(signature)[0] ^ 1]) + base64.b64decode(signature)[1:]).decode()
    assert_refused(get(_with_query(url, Signature=flipped)), "not valid")


def test_altered_post_request_is_refused(site: str, sp: TestSP) -> None:
    fields, _id = sp.login_post()
    xml = base64.b64decode(fields["SAMLRequest"]).decode()
    tampered = xml.replace('ForceAuthn="false"', "").replace(
        "<samlp:AuthnRequest ", '<samlp:AuthnRequest ForceAuthn="true" '
    )
    assert tampered != xml
    response = post(sp.sso_post_url, {"SAMLRequest": base64.b64encode(tampered.encode()).decode()})
    assert_refused(response, "could not be verified")


def test_stale_request_is_refused(site: str, sp: TestSP) -> None:
    old = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields, _id = sp.login_post(
        before_signing=lambda xml: re.sub(r'IssueInstant="[^"]+"', f'IssueInstant="{old}"', xml)
    )
    assert_refused(post(sp.sso_post_url, fields), "too old")


def test_replayed_request_is_refused(site: str, sp: TestSP) -> None:
    fields, _id = sp.login_post()
    first = post(sp.sso_post_url, fields)
    assert first.status_code == 200 and "/accounts/login/" in first.url
    assert_refused(post(sp.sso_post_url, fields), "already used")


def test_doctype_and_entities_are_refused(site: str, sp: TestSP) -> None:
    def with_entity(xml: str) -> str:
        doctype = '<!DOCTYPE samlp:AuthnRequest [<!ENTITY who "attacker">]>'
        return doctype + xml.replace("</saml:Issuer>", "</saml:Issuer>", 1)

    fields, _id = sp.login_post(sign=False, before_signing=with_entity)
    assert_refused(post(sp.sso_post_url, fields), "document type")
    external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    response = post(sp.sso_post_url, {"SAMLRequest": base64.b64encode(external.encode()).decode()})
    assert_refused(response, "document type")
    assert "root:" not in response.text


def test_acs_url_not_in_metadata_is_refused(site: str, sp: TestSP) -> None:
    fields, _id = sp.login_post(before_signing=lambda xml: xml.replace(sp.acs, "https://evil.example/acs/"))
    response = post(sp.sso_post_url, fields)
    assert_refused(response, "not in the registered metadata")
    assert "evil.example" not in response.text


def test_xslt_transform_is_refused_before_verification(site: str, sp: TestSP) -> None:
    fields, _id = sp.login_post()
    xml = base64.b64decode(fields["SAMLRequest"]).decode()
    xslt = (
        '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116">'
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"/></ds:Transform>'
    )
    tampered = xml.replace("</ds:Transforms>", xslt + "</ds:Transforms>")
    assert tampered != xml
    response = post(sp.sso_post_url, {"SAMLRequest": base64.b64encode(tampered.encode()).decode()})
    assert_refused(response, "signature of the SAML message is not acceptable")


def test_idp_wide_want_authn_requests_signed(site: str, tmp_path: Path, settings: Any) -> None:
    """An SP whose metadata does not promise signatures must still sign when
    Connect says WantAuthnRequestsSigned (Metadata §2.4.3)."""
    relaxed = TestSP(site, host="relaxed.example.test", sign_requests=False)
    relaxed.register(tmp_path)
    url, _id = relaxed.login_redirect()
    assert get(url).status_code == 200  # accepted while Connect does not insist
    settings.CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED = True
    assert 'WantAuthnRequestsSigned="true"' in get(f"{site}/saml/metadata/").text
    url, _id = relaxed.login_redirect()
    assert_refused(get(url), "must sign its requests")
