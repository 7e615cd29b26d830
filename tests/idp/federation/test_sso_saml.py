"""Company SSO with a SAML 2.0 upstream (pysaml2 IdP in a thread; Connect's side is
allauth's SAML provider on python3-saml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp

from idp.federation.models import FederatedDomain, IdentityProvider
from idp.services import account_create
from tests.idp.federation.test_sso_login import new_browser, session_methods, start_sso
from tests.support.upstream_saml import UpstreamSamlIdP, auto_post_form

pytestmark = pytest.mark.django_db(transaction=True)

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
UID = "urn:oid:0.9.2342.19200300.100.1.1"
VERIFIED = "urn:example:email_verified"


@pytest.fixture
def saml_upstream(site: str, settings: Any) -> Iterator[UpstreamSamlIdP]:
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    server = UpstreamSamlIdP().start()
    app = SocialApp.objects.create(
        provider="saml",
        provider_id="samlcorp",
        client_id="samlcorp",
        name="SAML Corp",
        settings={
            "idp": {"entity_id": server.entity_id, "sso_url": server.sso_url, "x509cert": server.certificate},
            "attribute_mapping": {"uid": UID, "email": MAIL, "email_verified": VERIFIED},
            "advanced": {
                "allow_single_label_domains": True,  # the live server is http://localhost:PORT
                "want_assertion_signed": True,
                "want_message_signed": True,
                "reject_idp_initiated_sso": True,
            },
        },
    )
    provider = IdentityProvider.objects.create(name="SAML Corp AB", organization_key="samlcorp", social_app=app)
    FederatedDomain.objects.create(identity_provider=provider, domain="samlcorp.se")
    server.sp_metadata = [requests.get(f"{site}/accounts/saml/samlcorp/metadata/", timeout=10).text]
    yield server
    server.stop()


def through_saml(browser: requests.Session, site: str, email: str) -> requests.Response:
    at_idp = start_sso(browser, site, email)
    action, fields = auto_post_form(at_idp.text)
    return browser.post(action, data=fields)


def test_saml_round_trip_signs_in_the_provisioned_account(site: str, saml_upstream: UpstreamSamlIdP) -> None:
    user = account_create(email="sara@samlcorp.se", email_verified=True)
    saml_upstream.name_id = "sara@samlcorp.se"
    saml_upstream.identity = {"uid": ["sara-1"], "mail": ["sara@samlcorp.se"], VERIFIED: ["true"]}
    browser = new_browser()
    landed = through_saml(browser, site, "sara@samlcorp.se")
    assert landed.url == f"{site}/account/", landed.text[:3000]
    assert SocialAccount.objects.get().user_id == user.pk
    assert [m["method"] for m in session_methods(browser)] == ["socialaccount"]


def test_saml_without_a_verified_flag_is_refused(site: str, saml_upstream: UpstreamSamlIdP) -> None:
    account_create(email="sara@samlcorp.se", email_verified=True)
    saml_upstream.name_id = "sara@samlcorp.se"
    saml_upstream.identity = {"uid": ["sara-1"], "mail": ["sara@samlcorp.se"]}
    browser = new_browser()
    answer = through_saml(browser, site, "sara@samlcorp.se")
    assert answer.status_code == 403
    assert "has not verified your email address" in answer.text
    assert not session_methods(browser)


def test_saml_assertion_outside_the_company_domains_is_refused(site: str, saml_upstream: UpstreamSamlIdP) -> None:
    account_create(email="boss@other.se", email_verified=True)
    saml_upstream.name_id = "boss@other.se"
    saml_upstream.identity = {"uid": ["x-1"], "mail": ["boss@other.se"], VERIFIED: ["true"]}
    browser = new_browser()
    answer = through_saml(browser, site, "someone@samlcorp.se")
    assert answer.status_code == 403
    assert "outside your company" in answer.text
    assert not SocialAccount.objects.exists()
