"""Single logout over the live server: python3-saml SPs on both ends."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.e2e.test_saml_sso import verified_user
from tests.factories import PASSWORD
from tests.idp.saml.onelogin_sp import TestSP, english_browser, follow_logout, posted_form, sign_in_through
from tests.support.login import csrf_token

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_into_both(site: str, tmp_path: Path) -> tuple[requests.Session, TestSP, TestSP, object, object]:
    crm = TestSP(site, host="crm.example.test")
    crm.register(tmp_path)
    wiki = TestSP(site, host="wiki.example.test")
    wiki.register(tmp_path)
    user = verified_user()
    browser = english_browser()
    url, request_id = crm.login_redirect()
    page = sign_in_through(browser, site, browser.get(url), user.email, PASSWORD)
    crm_auth = crm.accept(posted_form(page)[1], request_id)
    url, request_id = wiki.login_redirect()
    wiki_auth = wiki.accept(posted_form(browser.get(url))[1], request_id)
    assert crm_auth.get_errors() == [] and wiki_auth.get_errors() == []
    return browser, crm, wiki, crm_auth, wiki_auth


def _logged_out_of_connect(browser: requests.Session, site: str) -> bool:
    return "/accounts/login/" in browser.get(f"{site}/account/").url


def test_logout_at_one_sp_ends_connect_and_tells_the_other(site: str, tmp_path: Path) -> None:
    browser, crm, wiki, crm_auth, _wiki_auth = _sign_into_both(site, tmp_path)

    url, logout_id = crm.logout_redirect(crm_auth)
    hop = browser.get(url, allow_redirects=False)
    # Connect sends the browser to the wiki with a signed LogoutRequest first…
    assert hop.status_code == 302, hop.text[:1000]
    assert (
        "Signature=" in hop.headers["Location"]
        and "SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256" in hop.headers["Location"]
    )
    wiki_seen, back = wiki.at_sls(hop.headers["Location"])
    assert wiki_seen.get_errors() == [], wiki_seen.get_last_error_reason()
    # …then, when the wiki answers, back to the CRM with a signed LogoutResponse.
    hop = browser.get(back, allow_redirects=False)
    assert hop.status_code == 302, hop.text[:1000]
    crm_seen, _none = crm.at_sls(hop.headers["Location"], request_id=logout_id)
    assert crm_seen.get_errors() == [], crm_seen.get_last_error_reason()
    assert _logged_out_of_connect(browser, site)


def test_logout_at_connect_tells_every_sp(site: str, tmp_path: Path) -> None:
    browser, crm, wiki, _crm_auth, _wiki_auth = _sign_into_both(site, tmp_path)
    account = browser.get(f"{site}/account/")
    hop = browser.post(
        f"{site}/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf_token(account.text)},
        headers={"Referer": account.url},
        allow_redirects=False,
    )
    told, _end = follow_logout(browser, site, hop, [crm, wiki])
    seen = [host for host, _url in told]
    assert sorted(seen) == ["crm.example.test", "wiki.example.test"]
    assert _logged_out_of_connect(browser, site)


def test_unsigned_logout_request_is_refused(site: str, tmp_path: Path) -> None:
    browser, crm, _wiki, crm_auth, _wiki_auth = _sign_into_both(site, tmp_path)
    url, _id = crm.logout_redirect(crm_auth)
    base, query = url.split("?", 1)
    kept = [p for p in query.split("&") if not p.startswith(("Signature=", "SigAlg="))]
    unsigned = f"{base}?{'&'.join(kept)}"
    page = browser.get(unsigned)
    assert page.status_code == 400, page.text
    assert "not signed" in page.text, page.text
    assert not _logged_out_of_connect(browser, site)
