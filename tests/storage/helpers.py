"""Small helpers for the storage tests."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from scheduler.storage.base import Base
from scheduler.storage.models import CORE_TABLES


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each core table."""
    with engine.connect() as conn:
        return {
            name: conn.execute(
                select(func.count()).select_from(Base.metadata.tables[name])
            ).scalar_one()
            for name in CORE_TABLES
        }


def all_empty(engine: Engine) -> bool:
    return not any(row_counts(engine).values())
