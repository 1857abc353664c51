"""Schemas shared by every router: the error body and the status codes that use it."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Error(Schema):
    code: str
    message: str
    details: Any = None


#: Status codes every authenticated endpoint can answer with an Error body.
READ_ERRORS: dict[int, type[Schema]] = {401: Error, 404: Error}
WRITE_ERRORS: dict[int, type[Schema]] = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
