"""Invitation link tokens.

Why HMAC and not a stored random token: the mail is rendered by a Celery task
that gets only the outbox row id (tokens never travel through the broker), yet
the plaintext must not be stored. So the token is derived:
``token = HMAC(SECRET_KEY, "employee_id:nonce")`` where ``nonce`` is random and
renewed by every resend. The database holds the nonce and SHA-256(token); a
database dump alone yields no working link (the key is not in it), the task can
recompute the link from what it loads, and a resend (new nonce) makes every
older link useless at once. The link itself is the signature: any altered
character fails the constant-time hash comparison.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "provisioning.invitation.v1"


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(*, employee_id: int, nonce: str) -> str:
    return salted_hmac(_SALT, f"{employee_id}:{nonce}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(*, token: str, stored_hash: str) -> bool:
    return bool(stored_hash) and constant_time_compare(token_hash(token), stored_hash)
