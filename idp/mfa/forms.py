"""allauth's WebAuthn forms, refusing a malformed credential with a message.

fido2's parsers raise KeyError (or AttributeError) on a credential with a
missing member, which allauth does not catch: a crafted POST gave a 500. Any
parse failure is now the same "incorrect" answer as a bad signature
(settings.MFA_FORMS)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)  # fmt: skip
from django.core.exceptions import ValidationError

_MALFORMED = (KeyError, AttributeError, TypeError, ValueError, IndexError)


class _CheckedCredential:
    def clean_credential(self) -> Any:
        try:
            return super().clean_credential()  # type: ignore[misc]
        except ValidationError:
            raise
        except _MALFORMED:
            raise get_adapter().validation_error("incorrect_code") from None


class ConnectLoginWebAuthnForm(_CheckedCredential, LoginWebAuthnForm):
    pass


class ConnectAuthenticateWebAuthnForm(_CheckedCredential, AuthenticateWebAuthnForm):
    pass


class ConnectReauthenticateWebAuthnForm(_CheckedCredential, ReauthenticateWebAuthnForm):
    pass


class ConnectAddWebAuthnForm(AddWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            raise
        except _MALFORMED:
            raise get_adapter().validation_error("incorrect_code") from None
