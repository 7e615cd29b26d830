"""The real Argon2 hasher, counting how often it runs (for the enumeration test)."""

from __future__ import annotations

from typing import Any, ClassVar

from idp.hashers import ConnectArgon2PasswordHasher


class CountingArgon2(ConnectArgon2PasswordHasher):
    runs: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).runs += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        type(self).runs += 1
        return super().verify(password, encoded)

    def harden_runtime(self, password: str, encoded: Any) -> None:
        return None
