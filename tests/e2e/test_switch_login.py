"""After the switch, over the live server with a plain HTTP client (requests):
HRM → Connect → back in HRM, the forgotten-password path in one flow, the
employee never provisioned, and the employee who left."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.core.management import call_command

from hrm import services as hrm_services
from hrm.models import Company, HrmSession
from provisioning import selectors, services
from provisioning.models import CompanyMigration, EmployeeLink, Phase
from tests.factories import PASSWORD, CompanyFactory, EmployeeFactory, UserFactory
from tests.support.login import csrf_token, http_login
from tests.support.smtp import SmtpSink, body_text

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a brand new passphrase 42"
RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")
FORGOT = re.compile(r'href="(/accounts/password/reset/\?resume=[^"]+)"')


def connect_company(**kwargs: Any) -> Company:
    company = CompanyFactory(**kwargs)
    CompanyMigration.objects.create(company=company, phase=Phase.PREPARING)
    return company


def linked(company: Company, account: Any, **kwargs: Any) -> Any:
    employee = EmployeeFactory(company=company, connect_subject=account.pk, email=account.email, **kwargs)
    EmployeeLink.objects.create(employee=employee, company=company, account=account, via="test")
    return employee


def verified_account(email: str, password: str | None = PASSWORD) -> Any:
    from allauth.account.models import EmailAddress

    user = UserFactory(email=email, password=password)
    if password is None:
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def hrm_start(session: requests.Session, site: str, company: Company) -> str:
    """Open HRM's login URL; it sends the browser to Connect. Returns the ``next`` (authorize URL)."""
    page = session.get(f"{site}/hrm/{company.slug}/login/", headers={"Accept-Language": "en"})
    assert urlsplit(page.url).path == "/accounts/login/", page.url
    return parse_qs(urlsplit(page.url).query)["next"][0]


def hrm_login(site: str, company: Company, email: str, password: str) -> requests.Response:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return http_login(session, site, email, password, next_url=hrm_start(session, site, company))


@pytest.fixture
def hrm_client(site: str) -> str:
    call_command("connect_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return site


def test_a_linked_employee_logs_in_through_connect_and_lands_in_hrm_as_themselves(hrm_client: str) -> None:
    company = connect_company()
    employee = linked(company, verified_account("ada@example.com"), first_name="Ada", last_name="Lovelace")
    services.company_activate(company=company, actor=None)
    landed = hrm_login(hrm_client, company, "ada@example.com", PASSWORD)
    assert urlsplit(landed.url).path == f"/hrm/{company.slug}/"
    assert "Ada Lovelace" in landed.text
    assert HrmSession.objects.get(employee=employee).via == "connect"


def test_forgot_password_mail_set_password_and_land_in_hrm_in_the_same_flow(hrm_client: str, mailbox: SmtpSink) -> None:
    company = connect_company()
    employee = linked(company, verified_account("grace@example.com", password=None), first_name="Grace")
    services.company_activate(company=company, actor=None)
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    authorize = hrm_start(session, hrm_client, company)
    step1 = session.get(urljoin(hrm_client, "/accounts/login/"), params={"next": authorize})
    step2 = session.post(
        step1.url, data={"csrfmiddlewaretoken": csrf_token(step1.text), "login": "grace@example.com", "next": authorize}
    )
    forgot = FORGOT.search(step2.text)
    assert forgot, "the login page offers “Forgot your password?” carrying the interrupted login"
    ask = session.get(urljoin(hrm_client, html.unescape(forgot.group(1))))
    resume = re.search(r'name="resume" value="([^"]+)"', ask.text)
    assert resume is not None
    sent = session.post(
        ask.url,
        data={"csrfmiddlewaretoken": csrf_token(ask.text), "email": "grace@example.com",
              "resume": html.unescape(resume.group(1))},
    )  # fmt: skip
    assert "/accounts/password/reset/done/" in sent.url  # "check your mail", not straight back to the login
    message = mailbox.wait_for(lambda msgs: any("grace@example.com" in m["To"] for m in msgs))[-1]
    link = RESET_LINK.search(body_text(message))
    assert link, body_text(message)
    form = session.get(link.group(0))
    assert 'name="password1"' in form.text
    landed = session.post(
        form.url,
        data={"csrfmiddlewaretoken": csrf_token(form.text), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
              "next": parse_qs(urlsplit(form.url).query)["next"][0]},
    )  # fmt: skip
    assert urlsplit(landed.url).path == f"/hrm/{company.slug}/", landed.url
    assert employee.first_name in landed.text
    # And from now on with the password, in a fresh browser.
    assert urlsplit(hrm_login(hrm_client, company, "grace@example.com", NEW_PASSWORD).url).path.endswith(
        f"/{company.slug}/"
    )


def test_an_employee_never_provisioned_is_told_to_ask_their_administrator(hrm_client: str, mailbox: SmtpSink) -> None:
    company = connect_company()
    absent = EmployeeFactory(company=company, email="absent@example.com", last_name="Away")
    services.company_activate(company=company, actor=None)
    # Login: the same answer as any wrong password, plus the way forward.
    refused = hrm_login(hrm_client, company, "absent@example.com", "whatever they try 1")
    assert refused.status_code == 200 and "Ask your administrator" in refused.text
    assert not HrmSession.objects.exists()
    # "Forgot your password?": the same page on screen, and a mail that says what to do.
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    ask = session.get(urljoin(hrm_client, "/accounts/password/reset/"))
    session.post(ask.url, data={"csrfmiddlewaretoken": csrf_token(ask.text), "email": "absent@example.com"})
    message = mailbox.wait_for(lambda msgs: any("absent@example.com" in m["To"] for m in msgs))[-1]
    assert "There is no Connect account for this address" in body_text(message)
    assert "ask your administrator" in body_text(message)
    # A Connect account of their own that is not linked: HRM says whom to ask.
    verified_account("absent@example.com")
    page = hrm_login(hrm_client, company, "absent@example.com", PASSWORD)
    assert page.status_code == 403 and "contact your administrator" in page.text
    # And the administrator sees them in the readiness list.
    report = selectors.company_readiness(company=company)
    assert [row.employee.pk for row in report.not_provisioned] == [absent.pk]


def test_an_employee_who_left_loses_hrm_at_once_but_connect_keeps_working_elsewhere(hrm_client: str) -> None:
    first, second = connect_company(), connect_company()
    person = verified_account("max@example.com")
    leaving, staying = linked(first, person, first_name="Max"), linked(second, person, first_name="Max")
    for company in (first, second):
        services.company_activate(company=company, actor=None)
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    http_login(session, hrm_client, "max@example.com", PASSWORD, next_url=hrm_start(session, hrm_client, first))
    assert urlsplit(session.get(f"{hrm_client}/hrm/{first.slug}/").url).path == f"/hrm/{first.slug}/"

    hrm_services.employee_deactivate(employee=leaving)
    # The open HRM session is gone: HRM sends them to log in again...
    assert not HrmSession.objects.filter(employee=leaving).exists()
    again = session.get(f"{hrm_client}/hrm/{first.slug}/")
    # ...and the login through Connect (still signed in there) ends on a clear page.
    assert again.status_code == 403 and "Your Flex HRM access has ended" in again.text
    # The same Connect session still opens the other company's HRM.
    other = session.get(f"{hrm_client}/hrm/{second.slug}/login/")
    assert urlsplit(other.url).path == f"/hrm/{second.slug}/"
    assert HrmSession.objects.filter(employee=staying).exists()


def test_an_administrator_provisioned_employee_may_use_forgot_password_instead_of_the_mail(
    hrm_client: str, mailbox: SmtpSink
) -> None:
    from idp import selectors as idp_selectors
    from provisioning import absentees

    company = connect_company()
    services.company_activate(company=company, actor=None)
    employee = EmployeeFactory(company=company, email="lost.mail@example.com", first_name="Lova")
    absentees.employee_provision(employee=employee, actor=None)
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    authorize = hrm_start(session, hrm_client, company)
    ask = session.get(urljoin(hrm_client, "/accounts/password/reset/"), params={"resume": authorize})
    session.post(
        ask.url.split("?")[0],
        data={"csrfmiddlewaretoken": csrf_token(ask.text), "email": "lost.mail@example.com", "resume": authorize},
    )
    reset = mailbox.wait_for(
        lambda msgs: any("lost.mail@example.com" in m["To"] and RESET_LINK.search(body_text(m)) for m in msgs)
    )
    link = next(RESET_LINK.search(body_text(m)) for m in reset if RESET_LINK.search(body_text(m)))
    assert link is not None
    form = session.get(link.group(0))
    landed = session.post(
        form.url,
        data={"csrfmiddlewaretoken": csrf_token(form.text), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
              "next": parse_qs(urlsplit(form.url).query)["next"][0]},
    )  # fmt: skip
    assert urlsplit(landed.url).path == f"/hrm/{company.slug}/", landed.url
    assert "Lova" in landed.text
    account = idp_selectors.account_by_email("lost.mail@example.com")
    assert account is not None and idp_selectors.email_is_verified(account)
