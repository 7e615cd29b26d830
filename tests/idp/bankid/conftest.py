"""A real BankID simulator over HTTPS with client-certificate checks, per test session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.cache import cache

from idp.bankid.simulator.core import SimOrder
from idp.bankid.simulator.pki import Pki, generate_pki
from idp.bankid.simulator.server import SimulatorServer


@pytest.fixture(scope="session")
def bankid_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return generate_pki(Path(tmp_path_factory.mktemp("bankid-pki")))


@pytest.fixture(scope="session")
def bankid_server(bankid_pki: Pki) -> Iterator[SimulatorServer]:
    server = SimulatorServer(pki=bankid_pki)
    server.start()
    yield server
    server.stop()


@dataclass
class BankIdSim:
    server: SimulatorServer
    pki: Pki

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def scenario(self, *, outcome: str = "complete", personal_number: str = "", pending_collects: int = 2) -> None:
        """Choose what the next orders do, through the simulator's control call (over mTLS too)."""
        body: dict[str, Any] = {"outcome": outcome, "pendingCollects": pending_collects}
        if personal_number:
            body["personalNumber"] = personal_number
        response = requests.post(
            f"{self.base_url}/sim/scenario",
            json=body,
            cert=(str(self.pki.client_cert), str(self.pki.client_key)),
            verify=str(self.pki.ca),
            timeout=5,
        )
        response.raise_for_status()

    def order_by_qr_token(self, qr_start_token: str) -> SimOrder:
        return next(o for o in self.server.simulator.orders.values() if o.qr_start_token == qr_start_token)

    def last_order(self) -> SimOrder:
        return list(self.server.simulator.orders.values())[-1]


@pytest.fixture
def bankid(bankid_server: SimulatorServer, bankid_pki: Pki, settings: Any) -> BankIdSim:
    settings.BANKID_ENABLED = True
    settings.BANKID_ENVIRONMENT = "test"
    settings.BANKID_BASE_URL = bankid_server.base_url
    settings.BANKID_CERT_FILE = str(bankid_pki.client_cert)
    settings.BANKID_KEY_FILE = str(bankid_pki.client_key)
    settings.BANKID_CA_FILE = str(bankid_pki.ca)
    # Every test starts from a fresh per-address budget of started orders.
    cache.delete_many(["bankid:starts:127.0.0.1", "bankid:starts:::1"])
    sim = BankIdSim(server=bankid_server, pki=bankid_pki)
    sim.scenario()
    return sim


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)
