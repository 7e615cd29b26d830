"""A fast keyed hash for client secrets (never for passwords).

Client secrets are 256-bit random strings, so a slow, memory-hard hash buys
nothing against guessing and costs ~270 ms of CPU per client authentication.
HMAC-SHA256 under a server key (derived from SECRET_KEY) means a stolen
database alone does not let anyone check secret guesses offline either.
Registered last in PASSWORD_HASHERS, so it never hashes a user's password;
django-oauth-toolkit uses it through CLIENT_SECRET_HASHER.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher
from django.utils.crypto import constant_time_compare, get_random_string


def _server_key() -> bytes:
    return hashlib.sha256(b"connect.oidc.client-secret\x00" + settings.SECRET_KEY.encode()).digest()


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "connect_hmac_sha256"

    def salt(self) -> str:
        return get_random_string(16)

    def encode(self, password: str, salt: str) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("a password and a salt without '$' are needed")
        digest = hmac.new(_server_key(), f"{salt}${password}".encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm  # noqa: S101 (Django's hashers do the same)
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        return {"algorithm": self.algorithm, "hash": "********"}

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None
