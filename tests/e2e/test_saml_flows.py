"""ForceAuthn, IdP-initiated sign-on, NameID formats, HRM attributes, and one
Connect session shared by several applications."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C

from tests.e2e.test_saml_sso import NS, verified_user
from tests.factories import PASSWORD, EmployeeFactory
from tests.idp.saml.onelogin_sp import TestSP, english_browser, posted_form, response_xml, sign_in_through
from tests.support.login import csrf_token

pytestmark = pytest.mark.django_db(transaction=True)


def _authn_instant(form: dict[str, str]) -> str:
    root = etree.fromstring(response_xml(form).encode())
    return root.find(".//saml:AuthnStatement", NS).get("AuthnInstant")


def _sign_in(browser: requests.Session, site: str, sp: TestSP, email: str) -> dict[str, str]:
    url, request_id = sp.login_redirect()
    page = sign_in_through(browser, site, browser.get(url), email, PASSWORD)
    _action, form = posted_form(page)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    return form


def test_force_authn_asks_for_the_password_again(site: str, tmp_path: Path) -> None:
    sp = TestSP(site)
    sp.register(tmp_path)
    user = verified_user()
    browser = english_browser()
    first = _sign_in(browser, site, sp, user.email)

    url, request_id = sp.login_redirect(force_authn=True)
    page = browser.get(url)
    assert "/accounts/reauthenticate/" in page.url  # not straight back to the SP
    assert "SAMLResponse" not in page.text
    page = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf_token(page.text), "password": PASSWORD},
        headers={"Referer": page.url},
    )
    _action, form = posted_form(page)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert _authn_instant(form) >= _authn_instant(first)
    assert "PasswordProtectedTransport" in response_xml(form)


def test_idp_initiated_only_where_switched_on(site: str, tmp_path: Path) -> None:
    allowed = TestSP(site, host="portal.example.test")
    allowed.register(tmp_path, "--allow-idp-initiated")
    refused = TestSP(site, host="closed.example.test")
    refused.register(tmp_path)
    user = verified_user()
    browser = english_browser()
    _sign_in(browser, site, allowed, user.email)

    page = browser.get(f"{site}/saml/start/?sp={quote(allowed.entity_id)}&RelayState=/home")
    action, form = posted_form(page)
    assert action == allowed.acs and form["RelayState"] == "/home"
    assert "InResponseTo" not in response_xml(form)
    auth = allowed.accept(form, None)
    assert auth.get_errors() == [], auth.get_last_error_reason()

    page = browser.get(f"{site}/saml/start/?sp={quote(refused.entity_id)}")
    assert page.status_code == 400
    assert "does not accept sign-on started at Connect" in page.text
    assert "SAMLResponse" not in page.text


def test_one_session_two_applications_email_and_transient_nameids(site: str, tmp_path: Path) -> None:
    """The second application gets its assertion without a password: the Connect
    session is shared (the same Django session OIDC clients use)."""
    mail_sp = TestSP(site, host="mail.example.test", nameid_format=C.NAMEID_EMAIL_ADDRESS)
    mail_sp.register(tmp_path)
    wiki = TestSP(site, host="wiki.example.test", nameid_format=C.NAMEID_TRANSIENT)
    wiki.register(tmp_path)
    user = verified_user()
    browser = english_browser()
    form = _sign_in(browser, site, mail_sp, user.email)
    auth = mail_sp.accept(form, None)
    assert auth.get_nameid() == user.email

    ids = []
    for _ in range(2):
        url, request_id = wiki.login_redirect()
        page = browser.get(url)
        assert "/accounts/login/" not in page.url
        _action, form = posted_form(page)
        auth = wiki.accept(form, request_id)
        assert auth.get_errors() == [], auth.get_last_error_reason()
        assert auth.get_nameid_format() == C.NAMEID_TRANSIENT
        ids.append(auth.get_nameid())
    assert ids[0] != ids[1] and user.email not in ids


def test_requested_nameid_format_not_released_is_refused_to_the_sp(site: str, tmp_path: Path) -> None:
    registered = TestSP(site, host="hr.example.test")  # registered with persistent
    registered.register(tmp_path)
    asks_email = TestSP(site, host="hr.example.test", nameid_format=C.NAMEID_EMAIL_ADDRESS)
    user = verified_user()
    browser = english_browser()
    _sign_in(browser, site, registered, user.email)
    url, _request_id = asks_email.login_redirect()
    _action, form = posted_form(browser.get(url))
    root = etree.fromstring(response_xml(form).encode())
    assert root.find("samlp:Status/samlp:StatusCode/samlp:StatusCode", NS).get("Value").endswith("InvalidNameIDPolicy")
    assert root.find("saml:Assertion", NS) is None


def test_hrm_employee_number_and_company_where_linked(site: str, tmp_path: Path) -> None:
    sp = TestSP(site, host="payroll.example.test")
    sp.register(tmp_path, "--attribute", "employee_number", "--attribute", "company")
    user = verified_user()
    employee = EmployeeFactory(connect_subject=user.pk, email=user.email)
    stranger = verified_user()
    browser = english_browser()
    url, request_id = sp.login_redirect()
    page = sign_in_through(browser, site, browser.get(url), user.email, PASSWORD)
    _action, form = posted_form(page)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert auth.get_attribute("urn:oid:2.16.840.1.113730.3.1.3") == [employee.employee_number]
    assert auth.get_friendlyname_attribute("o") == [employee.company.name]

    other = english_browser()
    url, request_id = sp.login_redirect()
    page = sign_in_through(other, site, other.get(url), stranger.email, PASSWORD)
    _action, form = posted_form(page)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == []
    assert auth.get_attribute("urn:oid:2.16.840.1.113730.3.1.3") is None
