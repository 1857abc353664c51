"""One exception tree for the whole platform, with stable codes mapped to HTTP in one place.

IcommitError (code, status)
├── NotFound              404  what does not exist, or what the user may not see
├── Forbidden             403  visible, but this action is not allowed
├── ValidationFailed      422  bad input; ``details`` maps field paths to messages
└── Conflict              409  the state of the world forbids it (archived, already done)
"""

from __future__ import annotations

from typing import Any


class IcommitError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "", *, details: Any = None, code: str | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details
        if code:
            self.code = code


class NotFound(IcommitError):
    """Not found."""

    code = "not_found"
    status = 404


class Forbidden(IcommitError):
    """You may not do this."""

    code = "forbidden"
    status = 403


class ValidationFailed(IcommitError):
    """The input is not valid."""

    code = "invalid"
    status = 422

    def __init__(
        self,
        message: str = "",
        *,
        details: dict[str, list[str]] | None = None,
        code: str | None = None,
    ):
        super().__init__(message, details=details or {}, code=code)

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        return cls(message, details={name: [message]})


class Conflict(IcommitError):
    """This cannot be done in the current state."""

    code = "conflict"
    status = 409
