"""Bounded types for path and query parameters, so bad input is a 422 (or 404), never a 500.

A database integer column holds at most 2^63-1 (PostgreSQL's bigint; SQLite's integer),
and a larger number in a URL overflowed the driver. Ids of people, places and cases
are at most 64 characters (the column's size). Weeks are dates in the years the formats
allow (1900-2999), so "the week after" never overflows.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import HTTPException, Path, Query

MAX_ROW_ID = 2**63 - 1
FIRST_WEEK = dt.date(1900, 1, 8)
LAST_WEEK = dt.date(2999, 12, 24)

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a row id (1 to 2^63-1)")]
Key = Annotated[str, Path(min_length=1, max_length=64, description="an id from the problem")]
OptionalRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
Week = Annotated[str | None, Query(max_length=10, description="any date of the week, YYYY-MM-DD")]


def week_date(week: str | None) -> dt.date | None:
    """The date a `week` parameter names, or a 422 naming the parameter and the rule."""
    if not week:
        return None
    try:
        day = dt.date.fromisoformat(week)
    except ValueError:
        raise HTTPException(422, f"week {week!r} must be a date written YYYY-MM-DD") from None
    if not FIRST_WEEK <= day <= LAST_WEEK:
        raise HTTPException(422, f"week {week} must be between {FIRST_WEEK} and {LAST_WEEK}")
    return day
