"""A software WebAuthn authenticator for server-side tests.

It builds what a browser and authenticator send (WebAuthn §5.1.3 registration,
§5.1.4 assertion) with fido2's data classes and a real P-256 key, so tests can
hand Connect a correctly signed credential, or one with exactly one thing wrong
(the origin, the challenge, the user-verified flag), and see what the server
decides. Nothing on the server side is replaced.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

FLAG = AuthenticatorData.FLAG


@dataclass
class SoftAuthenticator:
    rp_id: str
    origin: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    counter: int = 0

    def _rp_hash(self) -> bytes:
        return sha256(self.rp_id.encode()).digest()

    def register(
        self, challenge: bytes | str, *, origin: str | None = None, user_verified: bool = True
    ) -> dict[str, Any]:
        """A registration response (attestation "none") as webauthn-json sends it."""
        public_key = ES256.from_cryptography_key(self.key.public_key())
        credential = AttestedCredentialData.create(b"\0" * 16, self.credential_id, public_key)
        flags = FLAG.UP | FLAG.AT | (FLAG.UV if user_verified else FLAG(0))
        auth_data = AuthenticatorData.create(self._rp_hash(), flags, 0, credential)
        attestation = AttestationObject.create("none", auth_data, {})
        client_data = CollectedClientData.create("webauthn.create", _bytes(challenge), origin or self.origin)
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "attestationObject": websafe_encode(bytes(attestation)),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def assert_(
        self, challenge: bytes | str, *, origin: str | None = None, user_verified: bool = True
    ) -> dict[str, Any]:
        """An assertion (WebAuthn §6.3.3) signed over authenticatorData ‖ SHA-256(clientDataJSON)."""
        self.counter += 1
        flags = FLAG.UP | (FLAG.UV if user_verified else FLAG(0))
        auth_data = AuthenticatorData.create(self._rp_hash(), flags, self.counter)
        client_data = CollectedClientData.create("webauthn.get", _bytes(challenge), origin or self.origin)
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": websafe_encode(bytes(client_data)),
                "authenticatorData": websafe_encode(bytes(auth_data)),
                "signature": websafe_encode(signature),
                "userHandle": websafe_encode(self.user_handle),
            },
            "clientExtensionResults": {},
        }


def _bytes(challenge: bytes | str) -> bytes:
    return websafe_decode(challenge) if isinstance(challenge, str) else challenge


def as_json(credential: dict[str, Any]) -> str:
    return json.dumps(credential)
