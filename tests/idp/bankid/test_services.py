"""Collect's time limits, driven through the services with a clock seam."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from idp.audit.models import AuditEvent
from idp.bankid.services import bankid_login_poll, bankid_login_start

from .conftest import BankIdSim

pytestmark = pytest.mark.django_db


def test_an_order_in_progress_ends_at_bankids_lifetime(bankid: BankIdSim) -> None:
    bankid.scenario(outcome="complete", pending_collects=10)
    order = bankid_login_start(end_user_ip="192.0.2.1", now=1000.0)
    assert bankid_login_poll(order=order, now=1001.0).hint_code == "outstandingTransaction"
    assert bankid_login_poll(order=order, now=1010.0).hint_code == "userSign"
    # The person is busy in the app: no idle limit, but still pending at 170 s.
    assert bankid_login_poll(order=order, now=1170.0).status == "pending"
    result = bankid_login_poll(order=order, now=1181.0)
    assert (result.status, result.hint_code) == ("failed", "expiredTransaction")
    with translation.override("sv"):
        assert str(result.message).startswith("BankID-appen svarar inte.")
    assert bankid.last_order().cancelled
    # A finished order is not collected again.
    collects = bankid.last_order().collects
    assert bankid_login_poll(order=order, now=1182.0).status == "failed"
    assert bankid.last_order().collects == collects
    assert AuditEvent.objects.get(event="bankid.login.failed").data["reason"] == "timeout"


def test_an_unscanned_qr_code_ends_after_the_idle_limit(bankid: BankIdSim, settings: Any) -> None:
    settings.BANKID_IDLE_SECONDS = 30
    bankid.scenario(outcome="pending", pending_collects=0)  # never scanned
    order = bankid_login_start(end_user_ip="192.0.2.1", now=1000.0)
    assert bankid_login_poll(order=order, now=1029.0).status == "pending"
    result = bankid_login_poll(order=order, now=1031.0)
    assert (result.status, result.hint_code) == ("failed", "startFailed")
    assert bankid.last_order().cancelled


def test_bankid_unreachable_during_collect_keeps_the_order(bankid: BankIdSim, settings: Any) -> None:
    order = bankid_login_start(end_user_ip="192.0.2.1", now=1000.0)
    settings.BANKID_BASE_URL = "https://localhost:9"
    result = bankid_login_poll(order=order, now=1001.0)
    assert result.status == "pending"
    with translation.override("en"):
        assert str(result.message).startswith("BankID can't be reached right now.")
    settings.BANKID_BASE_URL = bankid.base_url
    assert bankid_login_poll(order=order, now=1002.0).hint_code == "outstandingTransaction"
