"""The dev mailbox: with no SMTP server configured, mails are kept as files.

Each message is written as one ``.eml`` file under ``DEV_MAILBOX_DIR`` (atomic
rename, so a reader never sees half a file). Files, not database rows, so the
web process and a Celery worker share one mailbox and nothing needs migrating.
The pages that show them exist only while DEBUG is on (see config/urls.py).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


def mailbox_dir() -> Path:
    path = Path(settings.DEV_MAILBOX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class DevMailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = mailbox_dir()
        sent = 0
        for message in email_messages:
            name = f"{datetime.now(tz=UTC).strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.eml"
            temporary = directory / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes())
            os.replace(temporary, directory / name)
            sent += 1
        return sent


@dataclass(frozen=True)
class StoredMail:
    id: str
    subject: str
    sender: str
    to: str
    date: datetime | None
    text: str
    html: str | None


_ID = re.compile(r"^[0-9T]+-[0-9a-f]{8}$")


def _read(path: Path) -> StoredMail:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if not isinstance(parsed, ParsedMessage):
        raise TypeError("policy.default always yields EmailMessage")
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    date_header = parsed.get("Date")
    return StoredMail(
        id=path.stem,
        subject=str(parsed.get("Subject", "")),
        sender=str(parsed.get("From", "")),
        to=str(parsed.get("To", "")),
        date=parsedate_to_datetime(str(date_header)) if date_header else None,
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else None,
    )


def mails() -> list[StoredMail]:
    """Newest first."""
    return [_read(path) for path in sorted(mailbox_dir().glob("*.eml"), reverse=True)]


def mail(mail_id: str) -> StoredMail | None:
    if not _ID.match(mail_id):
        return None
    path = mailbox_dir() / f"{mail_id}.eml"
    return _read(path) if path.exists() else None


def clear() -> None:
    for path in mailbox_dir().glob("*.eml"):
        path.unlink(missing_ok=True)
