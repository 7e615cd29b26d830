"""Connect's session engine: Django's database sessions plus an owner, a start
time, the client's address and user agent.

The owner column lets ``account_sessions_end`` end one person's sessions with
one indexed DELETE instead of decoding every session. The idle timeout is
Django's own expiry (SESSION_COOKIE_AGE, pushed forward on every request by
SESSION_SAVE_EVERY_REQUEST); the absolute lifetime is enforced on load here,
so no request can keep a session alive past CONNECT_SESSION_ABSOLUTE_SECONDS
after sign-in (login cycles the key, which starts a new row).
"""

from __future__ import annotations

import base64
import secrets
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from idp.rows import insert

# Set by idp.receivers at sign-in; copied to the row's columns on save.
CLIENT_IP_KEY = "_connect_ip"
CLIENT_AGENT_KEY = "_connect_agent"


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from idp.models import ConnectSession

        return ConnectSession

    def _get_new_session_key(self) -> str:
        # Django asks the database whether a fresh random key exists before
        # inserting it; the insert's unique key already refuses a collision
        # (create() then retries), so that extra query per sign-in is skipped.
        # 160 random bits as 32 characters of a-z2-7 (within Django's key
        # alphabet): Django's get_random_string draws each character through
        # Python's random machinery, a measurable part of a sign-in's own work.
        return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()

    def cycle_key(self) -> None:
        """A new key for the same data (at sign-in, against session fixation).

        Django inserts the new row at once and then updates it when the response
        goes out; here the row is inserted once, when the response goes out.
        """
        data = self._session  # type: ignore[attr-defined]
        old_key = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._insert_pending = True
        self.modified = True
        if old_key:
            self.delete(old_key)

    def _get_session_from_db(self) -> Any:
        row = super()._get_session_from_db()  # type: ignore[misc]
        if row is None:
            return None
        limit = timedelta(seconds=settings.CONNECT_SESSION_ABSOLUTE_SECONDS)
        if row.created_at + limit <= timezone.now():
            row.delete()
            self._session_key = None
            return None
        return row

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row: Any = super().create_model_instance(data)
        row.user_id = data.get(SESSION_KEY) or None
        row.ip_address = data.get(CLIENT_IP_KEY) or None
        row.user_agent = (data.get(CLIENT_AGENT_KEY) or "")[:300]
        row.last_seen = timezone.now()
        return row

    def save(self, must_create: bool = False) -> None:
        # Django's own save() rewrites every column on update, which would reset
        # created_at (the absolute lifetime's start) and the public handle. Each
        # write here is one statement, atomic on its own: outside a transaction
        # it needs no BEGIN/COMMIT round trips (two per save, on every request);
        # inside one, a savepoint keeps a failed insert from spoiling it.
        if self.session_key is None:
            return self.create()
        if getattr(self, "_insert_pending", False) and not must_create:
            self._insert_pending = False
            while True:
                try:
                    return self.save(must_create=True)
                except CreateError:  # the fresh key was taken after all
                    self._session_key = self._get_new_session_key()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        guard = transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext()
        try:
            with guard:
                if must_create:
                    insert(obj, using=using)  # Model.save's work, minus its per-call overhead
                    self._insert_pending = False
                    return None
                updated = (
                    self.model.objects.using(using)
                    .filter(session_key=obj.session_key)
                    .update(
                        session_data=obj.session_data,
                        expire_date=obj.expire_date,
                        user_id=obj.user_id,
                        ip_address=obj.ip_address,
                        user_agent=obj.user_agent,
                        last_seen=obj.last_seen,
                    )
                )
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        if not updated:
            # Ended meanwhile ("log out everywhere", deactivation): never revive it.
            raise UpdateError
        return None
