"""Each hint and error code reaches the person as BankID's recommended message, in Swedish and English."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from idp.bankid import messages

from .conftest import BankIdSim, csrf_from

pytestmark = pytest.mark.django_db(transaction=True)

# (outcome, English start, Swedish start): BankID's RFA texts.
FAILED = [
    ("userCancel", "Action cancelled.", "Åtgärden avbruten."),
    ("cancelled", "Action cancelled. Please try again.", "Åtgärden avbruten. Försök igen."),
    ("expiredTransaction", "The BankID app is not responding.", "BankID-appen svarar inte."),
    ("startFailed", "Failed to scan the QR code.", "Misslyckades att läsa av QR-koden."),
    ("certificateErr", "The BankID you are trying to use is blocked or too old.", "Det BankID du försöker använda är"),
]
ERRORS = [
    ("alreadyInProgress", "An identification or signing for this personal number is already started.",
     "En identifiering eller underskrift för det här personnumret är redan påbörjad."),
    ("maintenance", "Internal error. Please try again.", "Internt tekniskt fel. Försök igen."),
    ("requestTimeout", "Internal error. Please try again.", "Internt tekniskt fel. Försök igen."),
    ("internalError", "Internal error. Please try again.", "Internt tekniskt fel. Försök igen."),
    ("unauthorized", "Unknown error. Please try again.", "Okänt fel. Försök igen."),
]  # fmt: skip


def _final(site: str, language: str) -> list[dict[str, str]]:
    browser = requests.Session()
    browser.headers["Accept-Language"] = language
    token = csrf_from(browser.get(f"{site}/login/bankid/").text)
    seen = []
    for _ in range(5):
        seen.append(
            browser.post(f"{site}/login/bankid/status/", headers={"X-CSRFToken": token, "Referer": site}).json()
        )
        if seen[-1]["status"] != "pending":
            break
    return seen


@pytest.mark.parametrize(("hint", "english", "swedish"), FAILED)
def test_failed_hints(site: str, bankid: BankIdSim, hint: str, english: str, swedish: str) -> None:
    for language, expected in (("en", english), ("sv", swedish)):
        bankid.scenario(outcome=hint, pending_collects=0)
        final = _final(site, language)[-1]
        assert (final["status"], final["hint_code"]) == ("failed", hint)
        assert final["message"].startswith(expected), final["message"]


def test_pending_hints(site: str, bankid: BankIdSim) -> None:
    bankid.scenario(outcome="complete", pending_collects=2, personal_number="198503034566")
    en = _final(site, "en")
    bankid.scenario(outcome="complete", pending_collects=2, personal_number="198503034566")
    sv = _final(site, "sv")
    assert [m["message"] for m in en[:2]] == [
        "Start your BankID app.",
        "Enter your security code in the BankID app and select Identify.",
    ]
    assert [m["message"] for m in sv[:2]] == [
        "Starta BankID-appen.",
        "Skriv in din säkerhetskod i BankID-appen och välj Identifiera.",
    ]
    assert sv[-1]["message"].startswith("Inget Connect-konto är kopplat till detta BankID.")


@pytest.mark.parametrize(("code", "english", "swedish"), ERRORS)
def test_error_codes_on_the_start_page(site: str, bankid: BankIdSim, code: str, english: str, swedish: str) -> None:
    bankid.scenario(outcome=code)
    for language, expected in (("en", english), ("sv", swedish)):
        page = requests.get(f"{site}/login/bankid/", headers={"Accept-Language": language}, timeout=10)
        assert page.status_code == 200
        assert expected in page.text
        assert "Traceback" not in page.text


def test_the_simulator_unreachable_gives_a_clear_message(site: str, bankid: BankIdSim, settings: object) -> None:
    settings.BANKID_BASE_URL = "https://localhost:9"  # type: ignore[attr-defined]
    page = requests.get(f"{site}/login/bankid/", headers={"Accept-Language": "en"}, timeout=10)
    assert "BankID can&#x27;t be reached right now." in page.text


def test_autostart_waiting_message(settings: object) -> None:
    from django.utils import translation

    with translation.override("sv"):
        assert str(messages.message_for_pending("outstandingTransaction", autostart=True)) == (
            "Försöker starta BankID-appen."
        )
        assert str(messages.message_for_pending("userMrtd")).startswith("Fotografera och läs av din ID-handling")
        assert str(messages.message_for_pending("started")).startswith("Söker efter BankID")


def test_starting_orders_is_rate_limited_per_address(site: str, bankid: BankIdSim, settings: Any) -> None:
    from django.core.cache import cache

    cache.delete("bankid:starts:127.0.0.1")
    settings.BANKID_STARTS_PER_IP = 2
    pages = [requests.get(f"{site}/login/bankid/", headers={"Accept-Language": "en"}, timeout=10) for _ in range(3)]
    assert ["Too many BankID logins" in p.text for p in pages] == [False, False, True]
    cache.delete("bankid:starts:127.0.0.1")


@pytest.mark.parametrize(
    ("trusted_proxies", "refused"),
    [
        # No trusted proxy: X-Forwarded-For is ignored, so changing it per request
        # buys no fresh attempts (the same rule as login throttling).
        (0, [False, False, True]),
        # Behind one trusted proxy the address comes from X-Forwarded-For, so BankID's
        # endUserIp and the cap are the person's, not the proxy's.
        (1, [False, False, False]),
    ],
)
def test_the_client_address_follows_the_trusted_proxy_rule(
    site: str, bankid: BankIdSim, settings: Any, trusted_proxies: int, refused: list[bool]
) -> None:
    settings.BANKID_STARTS_PER_IP = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted_proxies
    pages = [
        requests.get(
            f"{site}/login/bankid/",
            headers={"Accept-Language": "en", "X-Forwarded-For": f"203.0.113.{n}"},
            timeout=10,
        )
        for n in range(3)
    ]
    assert ["Too many BankID logins" in p.text for p in pages] == refused
