from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from idp.models import User
from idp.services import account_create
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    """Rate-limit counters live in the shared cache (Redis in CI): start each test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(db: None) -> User:
    """An active account with a verified address (login requires verification)."""
    return account_create(email="ada@example.com", password=PASSWORD, display_name="Ada Lovelace", email_verified=True)
