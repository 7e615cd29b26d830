"""A BankID sign-in is told to OIDC clients and SAML service providers as
amr ["swk", "mfa"] with the Swedish eID LoA3 URI as acr and AuthnContextClassRef
(idp.authn_methods explains the choice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.authn_context import id_token_claims, saml_class_refs

from .conftest import BankIdSim
from .test_login import PNR, linked_user, poll, start

pytestmark = pytest.mark.django_db(transaction=True)

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"


def test_bankid_login_says_loa3(site: str, bankid: BankIdSim, tmp_path: Path) -> None:
    linked_user()
    bankid.scenario(personal_number=PNR)
    browser, token = start(site, next_url="/account/")
    assert poll(site, browser, token)[-1]["status"] == "complete"
    claims = id_token_claims(site, browser)
    assert claims["amr"] == ["swk", "mfa"] and claims["acr"] == LOA3
    assert saml_class_refs(site, browser, tmp_path) == [LOA3]
