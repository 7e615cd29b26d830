"""SP-initiated SAML sign-on over the live server, checked by python3-saml in strict mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from lxml import etree

from tests.factories import PASSWORD, UserFactory
from tests.idp.saml.onelogin_sp import TestSP, english_browser, posted_form, response_xml, sign_in_through

pytestmark = pytest.mark.django_db(transaction=True)

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}


def verified_user(**fields: str):  # type: ignore[no-untyped-def]
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def sp(site: str, tmp_path: Path) -> TestSP:
    service = TestSP(site)
    service.register(tmp_path)
    return service


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_wire_format(xml: str, *, sp: TestSP, request_id: str, site: str) -> None:
    """What SECURITY.md promises, read from the XML itself."""
    root = etree.fromstring(xml.encode())
    assert root.get("Destination") == sp.acs
    assert root.get("InResponseTo") == request_id
    # Response and assertion are both signed, RSA-SHA256 over SHA-256 digests.
    signatures = root.findall(".//ds:Signature", NS)
    assert len(signatures) == 2
    assert root.find("ds:Signature", NS) is not None
    assert root.find("saml:Assertion/ds:Signature", NS) is not None
    for signature in signatures:
        method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm")
        digest = signature.find("ds:SignedInfo/ds:Reference/ds:DigestMethod", NS).get("Algorithm")
        assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        assert digest == "http://www.w3.org/2001/04/xmlenc#sha256"
    algorithms = {e.get("Algorithm") for e in root.iter() if e.get("Algorithm")}
    assert not {a for a in algorithms if "sha1" in a or "md5" in a}
    assertion = root.find("saml:Assertion", NS)
    assert assertion.find("saml:Issuer", NS).text == f"{site}/saml/metadata/"
    conditions = assertion.find("saml:Conditions", NS)
    assert conditions.find("saml:AudienceRestriction/saml:Audience", NS).text == sp.entity_id
    issued = _instant(assertion.get("IssueInstant"))
    assert _instant(conditions.get("NotOnOrAfter")) - issued <= timedelta(minutes=5)
    confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS)
    assert confirmation.get("Recipient") == sp.acs
    assert confirmation.get("InResponseTo") == request_id
    assert _instant(confirmation.get("NotOnOrAfter")) - issued <= timedelta(minutes=5)
    assert _instant(confirmation.get("NotOnOrAfter")) > datetime.now(UTC)


@pytest.mark.parametrize("backend", ["python-xmlsec", "xmlsec1"])
def test_redirect_binding_signs_in_through_connect_login(site: str, sp: TestSP, backend: str, settings: Any) -> None:
    settings.CONNECT_SAML_SIGNING_BACKEND = backend
    user = verified_user(given_name="Ada", family_name="Lovelace", display_name="Ada Lovelace")
    browser = english_browser()
    url, request_id = sp.login_redirect(relay_state="https://sp.example.test/after")

    login_page = browser.get(url)
    assert "/accounts/login/" in login_page.url
    page = sign_in_through(browser, site, login_page, user.email, PASSWORD)

    action, form = posted_form(page)
    assert action == sp.acs
    assert form["RelayState"] == "https://sp.example.test/after"
    csp = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {sp.acs}" in csp
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert auth.is_authenticated()
    assert auth.get_nameid_format() == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    assert auth.get_nameid() and user.email not in auth.get_nameid()
    assert auth.get_attribute("urn:oid:0.9.2342.19200300.100.1.3") == [user.email]
    assert auth.get_attribute("urn:oid:2.5.4.42") == ["Ada"]
    assert auth.get_friendlyname_attribute("sn") == ["Lovelace"]
    assert_wire_format(response_xml(form), sp=sp, request_id=request_id, site=site)


def test_post_binding_and_second_sign_on_without_password(site: str, sp: TestSP) -> None:
    user = verified_user()
    browser = english_browser()
    fields, request_id = sp.login_post()
    login_page = browser.post(sp.sso_post_url, data=fields)
    page = sign_in_through(browser, site, login_page, user.email, PASSWORD)
    _action, form = posted_form(page)
    first = sp.accept(form, request_id)
    assert first.get_errors() == [], first.get_last_error_reason()
    assert_wire_format(response_xml(form), sp=sp, request_id=request_id, site=site)

    # The same browser, a new request: no login page, straight back to the SP,
    # and the persistent NameID is the same.
    fields, second_id = sp.login_post()
    page = browser.post(sp.sso_post_url, data=fields)
    assert "/accounts/login/" not in page.url
    _action, form = posted_form(page)
    second = sp.accept(form, second_id)
    assert second.get_errors() == [], second.get_last_error_reason()
    assert second.get_nameid() == first.get_nameid()


def test_is_passive_without_session_answers_no_passive(site: str, sp: TestSP) -> None:
    browser = english_browser()
    url, request_id = sp.login_redirect(is_passive=True)
    page = browser.get(url)
    assert "/accounts/login/" not in page.url
    _action, form = posted_form(page)
    status = etree.fromstring(response_xml(form).encode()).find("samlp:Status/samlp:StatusCode", NS)
    assert status.get("Value") == "urn:oasis:names:tc:SAML:2.0:status:Responder"
    sub = status.find("samlp:StatusCode", NS)
    assert sub.get("Value") == "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
    auth = sp.accept(form, request_id)
    assert not auth.is_authenticated()
