"""HRM as a relying party of Connect, over HTTP: login, not-linked page, SSO, logout."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.core.management import call_command

from hrm.models import HrmSession, LoginMethod
from tests.e2e.oidc_client import get_code, register, signed_in
from tests.factories import CompanyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connect_company(site: str) -> object:
    call_command("connect_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return CompanyFactory(login_method=LoginMethod.CONNECT)


def test_linked_employee_logs_in_to_hrm_through_connect(site: str, connect_company: object) -> None:
    session, user = signed_in(site)
    employee = EmployeeFactory(company=connect_company, connect_subject=user.pk)
    response = session.get(f"{site}/hrm/{connect_company.slug}/login/")
    assert response.status_code == 200
    assert urlsplit(response.url).path == f"/hrm/{connect_company.slug}/"
    assert employee.first_name in response.text
    hrm = HrmSession.objects.get(employee=employee)
    assert hrm.via == LoginMethod.CONNECT and hrm.id_token.count(".") == 2


def test_hrm_login_request_carries_pkce_state_and_nonce(site: str, connect_company: object) -> None:
    response = requests.get(f"{site}/hrm/{connect_company.slug}/login/", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{site}/o/authorize/?")
    for part in ("code_challenge_method=S256", "code_challenge=", "nonce=", f"state={connect_company.slug}."):
        assert part in location
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/hrm/oidc/" in cookie


def test_account_not_linked_gets_a_clear_page(site: str, connect_company: object) -> None:
    session, _user = signed_in(site)
    response = session.get(f"{site}/hrm/{connect_company.slug}/login/")
    assert response.status_code == 403
    assert "not linked to an employee" in response.text
    assert not HrmSession.objects.exists()


def test_callback_without_our_cookie_is_refused(site: str, connect_company: object) -> None:
    response = requests.get(
        f"{site}/hrm/oidc/callback/?code=x&state={connect_company.slug}.abc",
        headers={"Accept-Language": "en"},
        timeout=10,
    )
    assert response.status_code == 400 and "Login did not work" in response.text


def test_legacy_form_post_stays_refused(site: str, connect_company: object) -> None:
    response = requests.post(
        f"{site}/hrm/{connect_company.slug}/login/", data={"username": "u", "password": "p"}, timeout=10
    )
    assert response.status_code in (403, 410)


def test_single_sign_on_then_prompt_login_and_max_age_force_a_login(site: str, connect_company: object) -> None:
    session, user = signed_in(site)
    EmployeeFactory(company=connect_company, connect_subject=user.pk)
    assert urlsplit(session.get(f"{site}/hrm/{connect_company.slug}/login/").url).path.endswith(
        f"/{connect_company.slug}/"
    )
    # A second client gets its code without a password prompt.
    other = register(site, name="Second app")
    code, _verifier, _nonce = get_code(session, other)
    assert code
    for extra in ({"prompt": "login"}, {"max_age": "0"}):
        from tests.e2e.oidc_client import authorize, pkce_pair

        response = authorize(session, other, challenge=pkce_pair()[1], extra=extra)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/accounts/login/", extra
        session, user2 = signed_in(site)  # a fresh login for the next round
        del user2


def test_hrm_logout_ends_the_connect_session_too(site: str, connect_company: object) -> None:
    session, user = signed_in(site)
    EmployeeFactory(company=connect_company, connect_subject=user.pk)
    home = session.get(f"{site}/hrm/{connect_company.slug}/login/")
    token = home.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    out = session.post(
        f"{site}/hrm/{connect_company.slug}/logout/", data={"csrfmiddlewaretoken": token}, headers={"Referer": home.url}
    )
    assert urlsplit(out.url).path == "/hrm/oidc/logged-out/"
    assert "You are logged out" in out.text
    assert not HrmSession.objects.exists()
    # Connect's session ended: the account page asks for a login again.
    account = session.get(f"{site}/account/", allow_redirects=False)
    assert account.status_code == 302 and "/accounts/login/" in account.headers["Location"]


def test_not_linked_page_in_swedish(site: str, connect_company: object) -> None:
    session, _user = signed_in(site)
    session.headers["Accept-Language"] = "sv"
    response = session.get(f"{site}/hrm/{connect_company.slug}/login/")
    assert response.status_code == 403
    assert "inte kopplat till någon anställd" in response.text
