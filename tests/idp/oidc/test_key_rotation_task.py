"""The beat entry runs the rotation step in a real Celery worker (eagerly without a broker)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings

from idp.oidc.keys import signing_key_active
from idp.oidc.models import SigningKey
from idp.oidc.tasks import rotate_signing_keys

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_schedule_names_the_task() -> None:
    assert settings.CELERY_BEAT_SCHEDULE["oidc-keys-rotate"]["task"] == rotate_signing_keys.name


def test_the_task_publishes_the_next_key(celery_worker: Any) -> None:
    active = signing_key_active()
    rotate_signing_keys.delay()
    deadline = time.monotonic() + 30
    while not SigningKey.objects.filter(state="next").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SigningKey.objects.filter(state="next").count() == 1
    # Not due yet: the active key keeps signing.
    assert SigningKey.objects.get(state="active").kid == active.kid
