"""How the person in a session authenticated, in the words of each protocol.

One mapping, shared by OIDC (``amr``/``acr`` in the ID token, OIDC Core §2) and
SAML (``AuthnContextClassRef``, SAML Core §2.7.2.2 and Authn Context §3.4), so
the two never disagree about the same sign-in.

Input is allauth's record of the session (``account_authentication_methods``:
a list of ``{"method": ..., "at": ..., ...}`` written by allauth's
``record_authentication`` at every sign-in and reauthentication, and by our
BankID module with method ``"bankid"``).

Choices, with the reason for each (RFC 8176 §2 for the ``amr`` values):

- password → ``pwd``.
- TOTP or a recovery code as second factor → ``otp`` (both are one-time codes).
- a passkey (allauth records ``type="webauthn"``) → ``hwk``: proof of
  possession of a key kept by the authenticator (Touch ID, Windows Hello, a
  security key). Signed in with the passkey alone (``passwordless``), allauth
  demands user verification (``UserVerificationRequirement.REQUIRED`` in
  ``begin_authentication(user=None)``, enforced by fido2's
  ``authenticate_complete``), so the authenticator also checked a PIN or
  biometric: ``user`` and ``mfa`` (possession + knowledge/inherence).
- BankID → ``swk`` + ``mfa``: the BankID key is held by the BankID app, a
  software-protected key (RFC 8176 "swk"), and is unlocked with the person's
  PIN or biometric, which is why the Swedish eID framework rates BankID at
  assurance level 3 (two factors). We don't claim ``pin`` or ``fpt`` because
  the collect response does not say which of the two was used. The ``acr``
  and SAML class are the Swedish eID framework's own LoA3 URI
  (``http://id.elegnamnden.se/loa/1.0/loa3``), as Swedish relying parties
  expect in both OIDC (the Swedish OIDC profile uses these URIs as ``acr``)
  and SAML.
- company SSO (allauth's ``socialaccount``) → ``fed``. RFC 8176's registry has
  no value for "an upstream identity provider vouched for the person"; ``fed``
  is the value Microsoft Entra ID documents for exactly this ("a federated
  authentication assertion was used"), so it is the one relying parties
  already recognise. We don't know how the upstream authenticated, so the
  ``acr`` stays single-factor and the SAML class is ``unspecified``.
- more than one of password / one-time code / key → ``mfa`` (RFC 8176 "mfa").

SAML has no OASIS class for multi-factor sign-in (Authn Context §3.4 lists
none), so multi-factor uses the REFEDS MFA profile URI, the one SAML service
providers (Shibboleth, SimpleSAMLphp, Entra ID, Okta) check for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# OIDC acr values (OIDC Core §2 "acr"), listed in discovery's acr_values_supported.
ACR_SINGLE_FACTOR = "urn:connect:acr:1fa"
ACR_MULTI_FACTOR = "urn:connect:acr:mfa"
ACR_SWEDISH_LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
ACR_VALUES = [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR, ACR_SWEDISH_LOA3]

# SAML AuthnContextClassRef values (Authn Context §3.4).
AC_PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # noqa: S105 - a URN
AC_UNSPECIFIED = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified"
AC_MFA = "https://refeds.org/profile/mfa"
AC_SWEDISH_LOA3 = ACR_SWEDISH_LOA3

# allauth MFA authenticator types → RFC 8176 method values.
_MFA_AMR = {"totp": "otp", "recovery_codes": "otp", "webauthn": "hwk"}
# What counts as a separate factor when deciding "mfa".
_FACTORS = {"pwd", "otp", "hwk"}


@dataclass(frozen=True)
class AuthnSummary:
    amr: list[str]
    acr: str
    saml_class_ref: str
    times: list[float]


def _entries(methods: Any) -> Iterable[dict[str, Any]]:
    for entry in methods or []:
        if isinstance(entry, dict):
            yield entry


def authn_summary(methods: Any) -> AuthnSummary:
    """The amr list, the acr and the SAML class for one session's method log."""
    amr: list[str] = []
    times: list[float] = []
    for entry in _entries(methods):
        method = entry.get("method")
        if isinstance(entry.get("at"), int | float):
            times.append(float(entry["at"]))
        if method == "password":
            amr.append("pwd")
        elif method == "mfa":
            amr.append(_MFA_AMR.get(str(entry.get("type")), "mfa"))
            if entry.get("passwordless"):
                amr += ["user", "mfa"]  # user verification was required (see module docstring)
        elif method == "code":
            amr.append("otp")
        elif method == "bankid":
            amr += ["swk", "mfa"]
        elif method == "socialaccount":
            amr.append("fed")
    if len(_FACTORS.intersection(amr)) > 1:
        amr.append("mfa")
    amr = list(dict.fromkeys(amr))  # de-duplicated, first use first
    if "swk" in amr:
        acr, class_ref = ACR_SWEDISH_LOA3, AC_SWEDISH_LOA3
    elif "mfa" in amr:
        acr, class_ref = ACR_MULTI_FACTOR, AC_MFA
    elif amr == ["pwd"]:
        acr, class_ref = ACR_SINGLE_FACTOR, AC_PASSWORD
    else:
        acr, class_ref = ACR_SINGLE_FACTOR, AC_UNSPECIFIED
    return AuthnSummary(amr=amr, acr=acr, saml_class_ref=class_ref, times=times)


def password_only(methods: Any) -> bool:
    """True when this session signed in with a password and nothing more.

    A passkey (user-verified), BankID or company SSO sign-in is not "a password
    alone": the first two are multi-factor, and with SSO the company's own
    identity provider decides how its people authenticate."""
    amr = authn_summary(methods).amr
    return "pwd" in amr and "mfa" not in amr
