"""Adding a passkey for a person who has not signed in yet: right after they
confirmed their provisioning link ("set a password or add a passkey").

allauth's own add view needs a signed-in person (and a reauthentication);
here the caller has already proved who the person is (the confirmed link, in
this browser's session). The ceremony is allauth's and fido2's: the challenge
is kept in the session by ``auth.begin_registration`` and checked, with the
origin and RP ID, by ``auth.complete_registration`` (WebAuthn §7.1).
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core import context
from allauth.mfa import signals
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal import auth
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from config.logs import kv
from idp.models import User

log = logging.getLogger(__name__)

_MALFORMED = (KeyError, AttributeError, TypeError, ValueError, IndexError)


class PasskeyRefused(ApplicationError):
    code = "passkey_refused"


def passkey_enrol_begin(*, user: User) -> dict[str, Any]:
    """Creation options for a passkey that signs in alone (resident key, user verification required)."""
    return auth.begin_registration(user, True)


def passkey_enrol_complete(*, user: User, credential: Any, name: str = "") -> Authenticator:
    try:
        auth.parse_registration_response(credential)
        binding = auth.complete_registration(credential)
    except (ValidationError, *_MALFORMED):
        log.info("mfa.passkey.refused", extra=kv(user=user.pk, reason="ceremony"))
        raise PasskeyRefused(_("The passkey could not be added. Please try again.")) from None
    # WebAuthn §7.1 step 15: a passkey that signs in alone must have verified the person.
    if not binding.is_user_verified():
        log.info("mfa.passkey.refused", extra=kv(user=user.pk, reason="user_verification"))
        raise PasskeyRefused(_("The passkey could not be added. Please try again."))
    with transaction.atomic():
        authenticator = auth.WebAuthn.add(
            user, name or get_adapter().generate_authenticator_name(user, Authenticator.Type.WEBAUTHN), credential
        ).instance
        signals.authenticator_added.send(
            sender=Authenticator, request=context.request, user=user, authenticator=authenticator
        )
    return authenticator
