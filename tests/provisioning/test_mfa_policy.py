"""A company that requires a second factor: its employees who sign in with a
password alone are held on Connect's set-up page before any application gets
an answer; once they have a factor, sign-in asks for it. The rule is set per
company from the admin, audited."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any

import pytest
import requests
from django.test import Client

from provisioning.mfa_policy import company_second_factor_set, second_factor_required
from provisioning.models import CompanyMigration, EmployeeLink, ProvisioningEvent
from tests.e2e.authn_context import id_token_claims, totp_code
from tests.e2e.oidc_client import authorize, pkce_pair, register
from tests.e2e.passkeys import new_session, verified_user
from tests.factories import PASSWORD, CompanyFactory, EmployeeFactory, UserFactory
from tests.idp.saml.onelogin_sp import TestSP, posted_form, response_xml
from tests.support.login import csrf_token, http_login

pytestmark = pytest.mark.django_db(transaction=True)

_SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def employee_of(company: Any, email: str) -> Any:
    user = verified_user(email)
    employee = EmployeeFactory(company=company)
    EmployeeLink.objects.create(employee=employee, company=company, account=user, via="test")
    return user


def _post(session: requests.Session, page: requests.Response, data: dict[str, str]) -> requests.Response:
    return session.post(
        page.url, data={"csrfmiddlewaretoken": csrf_token(page.text), **data}, headers={"Referer": page.url}
    )


def test_an_employee_without_a_second_factor_sets_one_up_before_the_application(site: str, settings: Any) -> None:
    # One window either side (RFC 6238 §5.2), so the set-up and the sign-in
    # below can use two different codes without waiting 30 seconds; allauth
    # refuses a code used twice.
    settings.MFA_TOTP_TOLERANCE = 1
    company = CompanyFactory()
    company_second_factor_set(company=company, required=True, actor=None)
    user = employee_of(company, "sara@example.com")
    client = register(site)
    session = new_session()
    http_login(session, site, user.email, PASSWORD)
    assert "/account/two-factor/required/" in session.get(site + "/account/").url

    # A silent request (prompt=none) may not show the page: the client is told.
    _verifier, challenge = pkce_pair()
    silent = authorize(session, client, challenge=challenge, extra={"prompt": "none"})
    assert silent.status_code == 302 and silent.headers["Location"].startswith(client.redirect_uri)
    assert "error=interaction_required" in silent.headers["Location"] and "code=" not in silent.headers["Location"]

    # The application's request is held: no code, Connect's set-up page instead.
    held = authorize(session, client, challenge=challenge)
    assert held.status_code == 302 and "/account/two-factor/required/" in held.headers["Location"]
    page = session.get(site + held.headers["Location"])
    assert "Your organisation requires a second step" in page.text

    # Set up an authenticator app (allauth asks for the password again first).
    activate = session.get(site + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in activate.url:
        activate = _post(session, activate, {"password": PASSWORD})
    secret = unescape(_SECRET.search(activate.text).group(1))  # type: ignore[union-attr]
    codes = _post(session, activate, {"code": totp_code(secret, at=time.time() - 30)})
    assert "Recovery codes" in codes.text
    # "Continue" goes back to the application's request, which now gets its code.
    onward = session.get(site + "/account/two-factor/required/", allow_redirects=False)
    assert onward.status_code == 302 and "/authorize" in onward.headers["Location"]
    assert session.get(site + "/account/").url.rstrip("/").endswith("/account")
    # This session has now used the new factor: the client is told so.
    assert id_token_claims(site, session)["amr"] == ["pwd", "otp", "mfa"]

    # Next sign-in: the password is not enough any more; the code is asked.
    again = new_session()
    second = http_login(again, site, user.email, PASSWORD)
    assert "/2fa/authenticate/" in second.url
    _post(again, second, {"code": totp_code(secret, at=time.time() + 30)})
    claims = id_token_claims(site, again)
    assert claims["amr"] == ["pwd", "otp", "mfa"]


def test_other_companies_and_unlinked_accounts_are_not_held(site: str) -> None:
    strict, relaxed = CompanyFactory(), CompanyFactory()
    company_second_factor_set(company=strict, required=True, actor=None)
    relaxed_user = employee_of(relaxed, "olle@example.com")
    loner = verified_user("solo@example.com")
    assert second_factor_required(employee_of(strict, "x@example.com"))
    assert not second_factor_required(relaxed_user) and not second_factor_required(loner)
    for user in (relaxed_user, loner):
        session = new_session()
        http_login(session, site, user.email, PASSWORD)
        assert id_token_claims(site, session)["amr"] == ["pwd"]


def test_the_rule_is_switched_in_the_admin_and_audited(db: None) -> None:
    company = CompanyFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    migration = CompanyMigration.objects.get_or_create(company=company)[0]
    response = browser.post(
        "/admin/provisioning/companymigration/",
        {"action": "require_second_factor_on", "_selected_action": [migration.pk]},
    )
    assert response.status_code == 302
    migration.refresh_from_db()
    assert migration.require_second_factor
    event = ProvisioningEvent.objects.get(event="policy.second_factor")
    assert event.actor == admin and event.data == {"required": True}
    # Saying it twice changes nothing and writes no second row.
    assert company_second_factor_set(company=company, required=True, actor=admin) is False
    assert ProvisioningEvent.objects.filter(event="policy.second_factor").count() == 1


def test_a_saml_request_waits_for_the_set_up_and_then_gets_its_answer(site: str, settings: Any, tmp_path: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1
    company = CompanyFactory()
    company_second_factor_set(company=company, required=True, actor=None)
    user = employee_of(company, "saml@example.com")
    sp = TestSP(site)
    sp.register(tmp_path)
    browser = new_session()
    http_login(browser, site, user.email, PASSWORD)

    # IsPassive: no page may be shown, so the SP hears NoPassive (SAML Core §3.4.1).
    fields, request_id = sp.login_post(is_passive=True)
    _action, form = posted_form(browser.post(sp.sso_post_url, data=fields))
    assert "urn:oasis:names:tc:SAML:2.0:status:NoPassive" in response_xml(form)
    assert not sp.accept(form, request_id).is_authenticated()

    fields, request_id = sp.login_post()
    held = browser.post(sp.sso_post_url, data=fields)
    assert "/account/two-factor/required/" in held.url
    activate = browser.get(site + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in activate.url:
        activate = _post(browser, activate, {"password": PASSWORD})
    secret = unescape(_SECRET.search(activate.text).group(1))  # type: ignore[union-attr]
    _post(browser, activate, {"code": totp_code(secret, at=time.time() - 30)})
    answered = browser.get(site + "/account/two-factor/required/")
    _action, form = posted_form(answered)
    auth = sp.accept(form, request_id)
    assert auth.get_errors() == [], auth.get_last_error_reason()
    assert auth.get_last_authn_contexts() == ["https://refeds.org/profile/mfa"]
