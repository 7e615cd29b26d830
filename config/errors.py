"""The one base class for errors a person or an operator is meant to read."""

from __future__ import annotations

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A refused operation: a stable ``code`` for programs, a translated message for people.

    Services raise it; views render ``message`` on a page, commands print it
    on one line. It never carries a secret or raw exception text.
    """

    code = "error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)
