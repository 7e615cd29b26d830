"""An application (OIDC relying party) sends a person of an SSO company to Connect:
Connect's login sends them on to their company's IdP, and the application gets an
ID token for the provisioned account, saying the sign-in was federated."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest

from idp.services import account_create
from tests.e2e.oidc_client import authorize, pkce_pair, redeem, redirect_params, register, verify_id_token
from tests.idp.federation.test_sso_login import HIDDEN_FIELD, UPSTREAM_FORM, new_browser
from tests.support.login import csrf_token
from tests.support.upstream_idp import UpstreamIdP

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_application_gets_the_provisioned_account_through_company_sso(
    site: str, upstream: UpstreamIdP, federate: Any
) -> None:
    federate("examplecorp", "examplecorp.se")
    user = account_create(email="anna@examplecorp.se", email_verified=True, display_name="Anna")
    upstream.identity = {"sub": "corp-anna", "email": "anna@examplecorp.se", "email_verified": True}
    client = register(site)
    browser = new_browser()
    verifier, challenge = pkce_pair()

    to_login = authorize(browser, client, challenge=challenge, extra={"nonce": "n-1"})
    assert to_login.status_code == 302
    step1 = browser.get(urljoin(site, to_login.headers["Location"]))  # Connect's email-first page, next=authorize
    at_company = browser.post(
        step1.url,
        data={
            "csrfmiddlewaretoken": csrf_token(step1.text),
            "login": "anna@examplecorp.se",
            "next": redirect_params(to_login)["next"],
        },
        headers={"Referer": step1.url},
    )
    assert at_company.url.startswith(f"{upstream.issuer}/authorize?")
    match = UPSTREAM_FORM.search(at_company.text)
    assert match
    fields = {k: v.replace("&amp;", "&") for k, v in HIDDEN_FIELD.findall(match.group(1))}
    # Follow the redirects by hand up to the application's redirect URI (not served here).
    response = browser.post(f"{upstream.issuer}/authorize", data=fields, allow_redirects=False)
    for _hop in range(10):
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(client.redirect_uri):
            break
        response = browser.get(location, allow_redirects=False)
    assert location.startswith(client.redirect_uri), location
    code = redirect_params(response)["code"]

    tokens = redeem(client, code, verifier).json()
    claims = verify_id_token(site, client, tokens["id_token"], "n-1")
    assert claims["sub"] == str(user.pk)
    assert "fed" in claims["amr"] and "pwd" not in claims["amr"]
