"""Fixtures of the end-to-end tests that live outside tests/support/fixtures.py."""

from tests.support.federation import federate, upstream  # noqa: F401 (company SSO fixtures)
