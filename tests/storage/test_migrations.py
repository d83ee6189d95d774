"""The schema is built by the Alembic migrations, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from scheduler.storage.base import Base
from scheduler.storage.db import make_engine
from scheduler.storage.migrate import downgrade, head_revision, open_database, upgrade
from scheduler.storage.models import CORE_TABLES


def test_migrate_from_empty_creates_every_core_table(db_url):
    engine = make_engine(db_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade(engine)
        assert set(CORE_TABLES) <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()


def test_core_migration_matches_the_models(engine):
    """The 0001_core script and models.py describe the same tables (no drift)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    def table_of(op):  # an autogenerate diff entry: a tuple, or a list of tuples
        entry = op[0] if isinstance(op, list) else op
        for item in entry[1:]:
            name = getattr(item, "table", None)
            name = getattr(name, "name", None) or getattr(item, "name", None)
            if isinstance(name, str):
                return name
            if isinstance(item, str):
                return item
        return None

    core = [op for op in diff if table_of(op) in CORE_TABLES]
    assert core == []


def test_downgrade_to_base_and_back(engine):
    downgrade(engine, "base")
    assert not set(CORE_TABLES) & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(CORE_TABLES) <= set(inspect(engine).get_table_names())


def test_open_database_migrates_a_fresh_data_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh' / 'rjsched.db'}"
    engine = open_database(url)
    try:
        assert set(CORE_TABLES) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_concurrent_upgrades_of_a_fresh_database_all_succeed(db_url):
    """Web, worker and CLI may all start at once on a new database: separate processes."""
    code = "import sys; from scheduler.storage.migrate import upgrade; upgrade(sys.argv[1])"
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    failures = [p.communicate(timeout=120)[1] for p in procs if p.wait(timeout=120) != 0]
    assert failures == []
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        engine.dispose()


def test_threads_of_one_process_may_upgrade_together(db_url):
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(db_url)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
