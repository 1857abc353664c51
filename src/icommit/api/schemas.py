"""Schemas shared by every router: text types with the text rule, the error body, status codes.

Every string an API client sends goes through one of the text types below, so the API refuses
what the pages refuse (``core.text``) and the published spec states the limits.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field

from icommit.core import text
from icommit.core.emails import email_problem

# JSON Schema patterns (ECMA-262) that state the text rule in the published spec.
_MULTILINE_PATTERN = (
    "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$"
)
_LINE_PATTERN = "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$"


def _normalise(value: object) -> object:
    return text.normalise(value) if isinstance(value, str) else value


def _rule(*, multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        message = text.problem(value, max_length=None, multiline=multiline)
        if message is not None:
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _email(value: str) -> str:
    # the services' own rule (core.emails), so the API refuses what they refuse, in the same words
    message = email_problem(value)
    if message is not None:
        raise ValueError(message)
    return value


#: One line: a name, a title, a code (at most ``core.text.TITLE`` characters).
Line = Annotated[
    str,
    BeforeValidator(_normalise),
    Field(max_length=text.TITLE, json_schema_extra={"pattern": _LINE_PATTERN}),
    _rule(multiline=False),
]
#: A reason, a note (at most ``core.text.SHORT`` characters, several lines).
ShortText = Annotated[
    str,
    BeforeValidator(_normalise),
    Field(max_length=text.SHORT, json_schema_extra={"pattern": _MULTILINE_PATTERN}),
    _rule(multiline=True),
]
#: Minutes, a charter section, a description (at most ``core.text.LONG`` characters).
LongText = Annotated[
    str,
    BeforeValidator(_normalise),
    Field(max_length=text.LONG, json_schema_extra={"pattern": _MULTILINE_PATTERN}),
    _rule(multiline=True),
]
#: An email address as Django's validator accepts it.
Email = Annotated[
    str,
    BeforeValidator(_normalise),
    Field(max_length=254, json_schema_extra={"format": "email"}),
    _rule(multiline=False),
    AfterValidator(_email),
]


class Error(Schema):
    code: str
    message: str
    details: Any = None


#: Status codes every authenticated endpoint can answer with an Error body.
READ_ERRORS: dict[int, type[Schema]] = {401: Error, 403: Error, 404: Error, 422: Error}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
}
