"""Pagination of every list endpoint: `limit` 1–200 and a bounded `offset`, declared in the spec."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
#: Far beyond any list the platform holds, and well inside a 64-bit SQL integer.
MAX_OFFSET = 1_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    """Limit/offset pagination whose bounds are declared, so out-of-range input is a 422."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
