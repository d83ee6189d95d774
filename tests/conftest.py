"""Shared fixtures: databases (SQLite and PostgreSQL), a migrated engine, the spec example.

PostgreSQL tests run on a fresh database ``rjsched_test_<random>`` created on the server
at ``RJSCHED_TEST_POSTGRES_URL`` (default the local one) and dropped afterwards. If the
server cannot be reached they are skipped with the reason, or fail when ``CI`` is set.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, make_url

DATA = Path(__file__).parent / "data"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


_PROBLEM = _load("small.problem.json")
_PLAN = _load("small.plan.json")


# --------------------------------------------------------------------------- databases


def postgres_admin_url() -> str:
    return os.environ.get("RJSCHED_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


@contextmanager
def _admin_connection() -> Iterator[Any]:
    try:
        import psycopg
    except ImportError:
        _unavailable("PostgreSQL tests need the psycopg package (pip install 'psycopg[binary]')")
    admin = make_url(postgres_admin_url())
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        shown = admin.render_as_string(hide_password=True)
        _unavailable(
            f"PostgreSQL is not reachable at {shown} ({str(exc).strip().splitlines()[0]}); "
            "start the server or set RJSCHED_TEST_POSTGRES_URL"
        )
    with conn:
        yield conn


@contextmanager
def fresh_postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (empty, or a copy of `template`); its SQLAlchemy URL."""
    name = f"rjsched_test_{secrets.token_hex(6)}"
    with _admin_connection() as conn:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy_of}')
        try:
            yield (
                make_url(postgres_admin_url())
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DB_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DB_KINDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, then a fresh PostgreSQL database."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'rjsched.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


def _migrate(url: str) -> None:
    from scheduler.storage.db import make_engine
    from scheduler.storage.migrate import upgrade

    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()  # also checkpoints SQLite's WAL into the file, so it can be copied


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "rjsched.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """A migrated database to copy: migrating once per session, not once per test."""
    with fresh_postgres_database() as url:
        _migrate(url)
        yield make_url(url).database  # type: ignore[misc]


@pytest.fixture
def migrated_db_url(db_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database already at the newest schema (a copy of a migrated template)."""
    if db_kind == "sqlite":
        path = tmp_path / "migrated.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        with fresh_postgres_database(request.getfixturevalue("_postgres_template")) as url:
            yield url


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Engine]:
    """An engine on a database at the newest schema."""
    from scheduler.storage.db import make_engine

    eng = make_engine(migrated_db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_env(migrated_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the settings (and so every command) at the `engine` database and a temp folder."""
    monkeypatch.setenv("RJSCHED_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    return migrated_db_url


# --------------------------------------------------------------------------- documents


@pytest.fixture
def problem_doc() -> dict[str, Any]:
    """The spec's small example problem (a fresh copy each time)."""
    return copy.deepcopy(_PROBLEM)


@pytest.fixture
def plan_doc() -> dict[str, Any]:
    """The spec's optimal plan for the small example."""
    return copy.deepcopy(_PLAN)


@pytest.fixture
def problem(problem_doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    from scheduler.formats import load_problem

    return load_problem(problem_doc)


@pytest.fixture
def plan(plan_doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    from scheduler.formats import load_plan

    return load_plan(plan_doc)
