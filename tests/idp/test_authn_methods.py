"""The one mapping from allauth's method log to amr/acr/AuthnContextClassRef.
(The live-server tests check password, TOTP, passkey and BankID end to end;
these cover the combinations those can't reach cheaply, federation included.)"""

from __future__ import annotations

import pytest

from idp.authn_methods import (
    AC_MFA,
    AC_PASSWORD,
    AC_SWEDISH_LOA3,
    AC_UNSPECIFIED,
    ACR_MULTI_FACTOR,
    ACR_SINGLE_FACTOR,
    ACR_SWEDISH_LOA3,
    authn_summary,
    password_only,
)  # fmt: skip

PWD = {"method": "password", "at": 1.0}
TOTP = {"method": "mfa", "type": "totp", "at": 2.0}
RECOVERY = {"method": "mfa", "type": "recovery_codes", "at": 2.0}
KEY_2FA = {"method": "mfa", "type": "webauthn", "at": 2.0}
PASSKEY = {"method": "mfa", "type": "webauthn", "passwordless": True, "at": 1.0}
BANKID = {"method": "bankid", "at": 1.0}
SSO = {"method": "socialaccount", "provider": "acme", "at": 1.0}


@pytest.mark.parametrize(
    ("methods", "amr", "acr", "saml"),
    [
        ([PWD], ["pwd"], ACR_SINGLE_FACTOR, AC_PASSWORD),
        ([PWD, TOTP], ["pwd", "otp", "mfa"], ACR_MULTI_FACTOR, AC_MFA),
        ([PWD, RECOVERY], ["pwd", "otp", "mfa"], ACR_MULTI_FACTOR, AC_MFA),
        ([PWD, KEY_2FA], ["pwd", "hwk", "mfa"], ACR_MULTI_FACTOR, AC_MFA),
        ([PASSKEY], ["hwk", "user", "mfa"], ACR_MULTI_FACTOR, AC_MFA),
        ([BANKID], ["swk", "mfa"], ACR_SWEDISH_LOA3, AC_SWEDISH_LOA3),
        ([SSO], ["fed"], ACR_SINGLE_FACTOR, AC_UNSPECIFIED),
        ([PWD, {**PWD, "reauthenticated": True}], ["pwd"], ACR_SINGLE_FACTOR, AC_PASSWORD),
        ([], [], ACR_SINGLE_FACTOR, AC_UNSPECIFIED),
        (["junk", {"method": None}], [], ACR_SINGLE_FACTOR, AC_UNSPECIFIED),
    ],
)
def test_mapping(methods: list, amr: list[str], acr: str, saml: str) -> None:  # type: ignore[type-arg]
    summary = authn_summary(methods)
    assert (summary.amr, summary.acr, summary.saml_class_ref) == (amr, acr, saml)


def test_only_a_password_alone_needs_the_second_factor() -> None:
    assert password_only([PWD])
    assert not any(password_only(m) for m in ([PWD, TOTP], [PASSKEY], [BANKID], [SSO], []))
