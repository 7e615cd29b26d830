"""Signals idp sends for other parts of Connect to act on (idp imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a person's sessions were ended (log out everywhere, password reset,
# deactivation). Arguments: user, keep_session_key, reason. OIDC ends refresh
# tokens here.
account_sessions_ended = Signal()
