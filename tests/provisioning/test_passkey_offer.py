"""Right after confirming the provisioning link: "set a password or add a
passkey". The passkey is added without a password and then signs in alone."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from idp.audit.models import AuditEvent
from idp.models import User
from tests.e2e.passkeys import authenticator_for, new_session, passkey_login
from tests.provisioning.helpers import path_of
from tests.provisioning.test_verification import invited
from tests.support.login import csrf_token
from tests.support.smtp import SmtpSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

_JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.S)


def test_a_passkey_instead_of_a_password(celery_worker: Any, mailbox: SmtpSink, site: str) -> None:
    person, link = invited(mailbox)
    browser = new_session()
    page = browser.get(site + path_of(link))
    offer = browser.post(page.url, data={"csrfmiddlewaretoken": csrf_token(page.text)}, headers={"Referer": page.url})
    assert "/provisioning/password/" in offer.url and "Add a passkey" in offer.text
    account = User.objects.get(email=person.email)
    key = authenticator_for(site, account)
    options = json.loads(html.unescape(_JS_DATA.search(offer.text).group(1)))["creation_options"]["publicKey"]  # type: ignore[union-attr]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"

    # From another origin: refused with a message, the offer stays.
    key.origin = "https://evil.example"
    refused = browser.post(
        offer.url,
        data={
            "csrfmiddlewaretoken": csrf_token(offer.text),
            "credential": json.dumps(key.register(options["challenge"])),
        },
        headers={"Referer": offer.url},
    )
    assert refused.status_code == 400 and "could not be added" in refused.text
    assert not Authenticator.objects.filter(user=account).exists()

    key.origin = site
    options = json.loads(html.unescape(_JS_DATA.search(refused.text).group(1)))["creation_options"]["publicKey"]  # type: ignore[union-attr]
    done = browser.post(
        offer.url,
        data={
            "csrfmiddlewaretoken": csrf_token(refused.text),
            "credential": json.dumps(key.register(options["challenge"])),
        },
        headers={"Referer": offer.url},
    )
    assert done.status_code == 200 and "Your passkey is added" in done.text
    account.refresh_from_db()
    assert not account.has_usable_password()
    assert Authenticator.objects.filter(user=account, type=Authenticator.Type.WEBAUTHN).count() == 1
    assert AuditEvent.objects.filter(event="mfa.added", user=account).exists()

    # And it signs in, with no password ever set.
    session = new_session()
    signed_in = passkey_login(session, site, key)
    assert signed_in.url.rstrip("/").endswith("/account") and person.email in signed_in.text
