"""The RP API v6.0 client against the simulator, over real mutual TLS."""

from __future__ import annotations

import pytest
from django.utils import translation

from idp.bankid.client import BankIdApiError, BankIdClient, BankIdTransportError

from .conftest import BankIdSim


def _client(bankid: BankIdSim, *, cert: bool = True, verify: str | bool | None = None) -> BankIdClient:
    pki = bankid.pki
    return BankIdClient(
        base_url=bankid.base_url,
        cert=(str(pki.client_cert), str(pki.client_key)) if cert else None,
        verify=str(pki.ca) if verify is None else verify,
        timeout=5,
    )


def test_auth_collect_complete_over_mutual_tls(bankid: BankIdSim) -> None:
    bankid.scenario(personal_number="198001012395")
    client = _client(bankid)
    order = client.auth(end_user_ip="192.0.2.10", user_visible_text="Logga in på Connect")
    assert order.order_ref and order.auto_start_token and order.qr_start_token and order.qr_start_secret

    first = client.collect(order.order_ref)
    second = client.collect(order.order_ref)
    third = client.collect(order.order_ref)
    assert (first.status, first.hint_code) == ("pending", "outstandingTransaction")
    assert (second.status, second.hint_code) == ("pending", "userSign")
    assert third.status == "complete"
    assert third.user is not None and third.user.personal_number == "198001012395"
    assert bankid.last_order().end_user_ip == "192.0.2.10"


@pytest.mark.parametrize("hint", ["userCancel", "expiredTransaction", "startFailed", "certificateErr"])
def test_collect_failed_states(bankid: BankIdSim, hint: str) -> None:
    bankid.scenario(outcome=hint, pending_collects=1)
    client = _client(bankid)
    order = client.auth(end_user_ip="192.0.2.10")
    assert client.collect(order.order_ref).status == "pending"
    result = client.collect(order.order_ref)
    assert (result.status, result.hint_code, result.user) == ("failed", hint, None)


def test_a_client_without_certificate_is_refused(bankid: BankIdSim) -> None:
    with pytest.raises(BankIdTransportError) as caught:
        _client(bankid, cert=False).auth(end_user_ip="192.0.2.10")
    assert caught.value.error_code == "transport"
    with translation.override("en"):
        assert "can't be reached" in str(caught.value.message)


def test_a_server_outside_the_bankid_ca_is_refused(bankid: BankIdSim) -> None:
    # Trusting the system store instead of BankID's CA: the handshake fails.
    with pytest.raises(BankIdTransportError):
        _client(bankid, verify=True).auth(end_user_ip="192.0.2.10")


def test_cancel_ends_the_order(bankid: BankIdSim) -> None:
    client = _client(bankid)
    order = client.auth(end_user_ip="192.0.2.10")
    client.cancel(order.order_ref)
    assert bankid.last_order().cancelled
    with pytest.raises(BankIdApiError) as caught:
        client.collect(order.order_ref)
    assert caught.value.error_code == "invalidParameters"


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("alreadyInProgress", "An identification or signing for this personal number is already started."),
        ("maintenance", "Internal error. Please try again."),
        ("internalError", "Internal error. Please try again."),
        ("invalidParameters", "Unknown error. Please try again."),
    ],
)
def test_error_codes_are_typed_with_their_message(bankid: BankIdSim, code: str, english: str) -> None:
    bankid.scenario(outcome=code)
    with pytest.raises(BankIdApiError) as caught:
        _client(bankid).auth(end_user_ip="192.0.2.10")
    assert caught.value.error_code == code
    with translation.override("en"):
        assert str(caught.value.message).startswith(english)


def test_missing_end_user_ip_is_invalid_parameters(bankid: BankIdSim) -> None:
    with pytest.raises(BankIdApiError) as caught:
        _client(bankid).auth(end_user_ip="")
    assert caught.value.error_code == "invalidParameters"
