from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class ConnectArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane.

    (OWASP Password Storage Cheat Sheet, "Argon2id".) Django's own defaults
    use 100 MiB and 8 lanes, which costs several times more CPU per login on a
    2-core host without a matching gain against offline attacks at our
    password policy. The algorithm name stays "argon2", so a change of these
    parameters upgrades stored hashes at the next login (``must_update``).
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
