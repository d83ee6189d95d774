"""Alembic environment: runs on the connection handed over by `scheduler.storage.migrate`.

Run by hand with ``alembic -c scheduler/storage/migrations/alembic.ini upgrade head``;
then the database comes from the settings (``RJSCHED_DATABASE_URL``).
"""

from __future__ import annotations

import importlib
import importlib.util

from alembic import context
from sqlalchemy import Connection, text

import scheduler.storage.models  # noqa: F401  (registers the core tables)
from scheduler.storage.base import Base

# Tables added by other features register themselves when their module exists. Checked
# with find_spec rather than by catching ImportError, so a broken module still fails loudly.
for _module in ("scheduler.storage.mail_models", "scheduler.storage.web_models"):
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module)

# Any fixed number: serialises concurrent upgrades (web, worker, CLI) on PostgreSQL.
_PG_LOCK_KEY = 73_110_001


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from scheduler.storage.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")
run_migrations_online()
