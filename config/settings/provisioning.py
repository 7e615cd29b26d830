"""The migration to Connect (provisioning app)."""

from __future__ import annotations

from config.env import env_int

# How long an invitation link stays valid.
PROVISIONING_INVITATION_DAYS = env_int("PROVISIONING_INVITATION_DAYS", 14)
# Employees per fan-out task: small enough to keep each transaction short.
PROVISIONING_CHUNK_SIZE = env_int("PROVISIONING_CHUNK_SIZE", 500)
# SMTP failures are retried after base * 2**attempt seconds, capped, this many times.
PROVISIONING_MAIL_RETRY_BASE_SECONDS = env_int("PROVISIONING_MAIL_RETRY_BASE_SECONDS", 5)
PROVISIONING_MAIL_RETRY_MAX_SECONDS = env_int("PROVISIONING_MAIL_RETRY_MAX_SECONDS", 1800)
PROVISIONING_MAIL_MAX_ATTEMPTS = env_int("PROVISIONING_MAIL_MAX_ATTEMPTS", 10)
# An unsent outbox row older than this is queued again by the beat job (broker outage).
PROVISIONING_OUTBOX_STALE_SECONDS = env_int("PROVISIONING_OUTBOX_STALE_SECONDS", 300)
# A person may ask for a new link this often per window (per invitation), and
# one client address this often for any invitations.
PROVISIONING_RESEND_LIMIT = env_int("PROVISIONING_RESEND_LIMIT", 3)
PROVISIONING_RESEND_CLIENT_LIMIT = env_int("PROVISIONING_RESEND_CLIENT_LIMIT", 30)
PROVISIONING_RESEND_WINDOW_SECONDS = env_int("PROVISIONING_RESEND_WINDOW_SECONDS", 3600)
