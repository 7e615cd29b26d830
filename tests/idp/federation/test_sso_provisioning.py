"""An SSO company's employee through provisioning: the verification mail, the
confirmation, no password step, and sign-in through the company's IdP."""

from __future__ import annotations

from typing import Any

import pytest

from idp.models import User
from provisioning.selectors import company_readiness
from tests.factories import CompanyFactory, EmployeeFactory
from tests.idp.federation.test_sso_login import continue_upstream, new_browser, start_sso
from tests.provisioning.helpers import link_in, mail_for, start
from tests.support.login import csrf_token
from tests.support.smtp import SmtpSink
from tests.support.upstream_idp import UpstreamIdP

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def confirm(link: str) -> Any:
    browser = new_browser()
    page = browser.get(link)
    return browser.post(page.url, data={"csrfmiddlewaretoken": csrf_token(page.text)}, headers={"Referer": page.url})


def test_sso_company_employee_never_sets_a_password(
    celery_worker: Any, mailbox: SmtpSink, site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    company = CompanyFactory(slug="examplecorp", name="Example Corp AB")
    federate("examplecorp", "examplecorp.se")
    person = EmployeeFactory(company=company, email="Anna.Berg@examplecorp.se", first_name="Anna", last_name="Berg")
    start(company)

    done = confirm(link_in(mail_for(mailbox, person.email)))
    assert done.status_code == 200
    assert "You will sign in with your company account (Examplecorp AB)" in done.text
    assert 'name="password1"' not in done.text
    account = User.objects.get(email="anna.berg@examplecorp.se")
    assert not account.has_usable_password()
    person.refresh_from_db()
    assert person.connect_subject == account.pk

    # And she signs in through her company's IdP, into the provisioned account.
    upstream.identity = {"sub": "corp-anna", "email": "anna.berg@examplecorp.se", "email_verified": True}
    browser = new_browser()
    landed = continue_upstream(browser, start_sso(browser, site, "anna.berg@examplecorp.se"))
    assert landed.url == f"{site}/account/"
    assert User.objects.filter(email="anna.berg@examplecorp.se").count() == 1

    # The operator's readiness report counts her as covered by company SSO.
    readiness = company_readiness(company=company)
    assert (readiness.linked, readiness.with_password, readiness.covered_by_sso) == (1, 0, 1)


def test_an_employee_outside_the_company_domains_still_gets_the_password_step(
    celery_worker: Any, mailbox: SmtpSink, site: str, federate: Any
) -> None:
    company = CompanyFactory(slug="examplecorp")
    federate("examplecorp", "examplecorp.se")
    person = EmployeeFactory(company=company, email="consultant@elsewhere.se")
    start(company)
    answer = confirm(link_in(mail_for(mailbox, person.email)))
    assert answer.url.endswith("/provisioning/password/")
    assert 'name="password1"' in answer.text
    assert company_readiness(company=company).covered_by_sso == 0
