"""Swedish BankID (RP API v6.0): environment, endpoint, and the relying party's certificate.

BANKID_ENVIRONMENT is one of:
- ``simulator``: the local simulator (development and tests only). Without
  BANKID_BASE_URL it is the in-process mount under ``/dev/bankid-simulator/``
  (routed only while DEBUG is on); ``manage.py bankid_simulator`` serves the
  same API standalone over mutual TLS.
- ``test``: BankID's public test environment (appapi2.test.bankid.com).
- ``production``: appapi2.bankid.com; requires the RP certificate, key and CA.
"""

from __future__ import annotations

from config.env import ConfigError, env_bool, env_int, env_str

from .base import DEBUG, SITE_URL

BANKID_ENABLED = env_bool("BANKID_ENABLED", DEBUG)
BANKID_ENVIRONMENT = env_str("BANKID_ENVIRONMENT", "simulator" if DEBUG else "production")
_DEFAULT_BASE_URLS = {
    "simulator": f"{SITE_URL}/dev/bankid-simulator",
    "test": "https://appapi2.test.bankid.com",
    "production": "https://appapi2.bankid.com",
}
if BANKID_ENVIRONMENT not in _DEFAULT_BASE_URLS:
    raise ConfigError(f"BANKID_ENVIRONMENT must be simulator, test or production, not {BANKID_ENVIRONMENT!r}")
# Base without the API version; the client appends /rp/v6.0/<method>.
BANKID_BASE_URL = env_str("BANKID_BASE_URL", _DEFAULT_BASE_URLS[BANKID_ENVIRONMENT]).rstrip("/")
# The relying party's certificate and key (PEM) for mutual TLS, and the CA that
# issued BankID's server certificate (the API uses its own CA, not the public web PKI).
BANKID_CERT_FILE = env_str("BANKID_CERT_FILE")
BANKID_KEY_FILE = env_str("BANKID_KEY_FILE")
BANKID_CA_FILE = env_str("BANKID_CA_FILE")
BANKID_TIMEOUT_SECONDS = env_int("BANKID_TIMEOUT_SECONDS", 10)
# An order whose QR code nobody scans expires; BankID's own order lifetime is
# about three minutes. Connect stops collecting (and cancels) at these limits.
BANKID_IDLE_SECONDS = env_int("BANKID_IDLE_SECONDS", 30)
BANKID_ORDER_SECONDS = env_int("BANKID_ORDER_SECONDS", 180)
# Each started order costs a call to BankID (and money): at most this many per
# client address per ten minutes.
BANKID_STARTS_PER_IP = env_int("BANKID_STARTS_PER_IP", 30)
# Text shown in the BankID app while the person identifies.
BANKID_USER_VISIBLE_TEXT = env_str("BANKID_USER_VISIBLE_TEXT", "Logga in på Connect")
# The in-process simulator is routed only in development (decided at start).
BANKID_SIMULATOR_MOUNTED = DEBUG and BANKID_ENVIRONMENT == "simulator"

if BANKID_ENABLED and not DEBUG:
    if BANKID_ENVIRONMENT == "simulator":
        raise ConfigError("BANKID_ENVIRONMENT=simulator is for development only; use test or production")
    for _name, _value in (
        ("BANKID_CERT_FILE", BANKID_CERT_FILE),
        ("BANKID_KEY_FILE", BANKID_KEY_FILE),
        ("BANKID_CA_FILE", BANKID_CA_FILE),
    ):
        if not _value:
            raise ConfigError(f"{_name} is not set; it is required when BankID is enabled and DEBUG is off")
