"""Bring a database to the newest schema (``alembic upgrade head``) from code."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from scheduler.settings import Settings, get_settings
from scheduler.storage.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")
_IN_PROCESS = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate to `revision` (idempotent: a database already there is left as it is).

    Safe when several processes start at once (web, worker, CLI): on PostgreSQL an
    advisory lock in env.py serialises them; on SQLite, whose driver runs DDL outside
    transactions, a lock file beside the database does.
    """
    _run("upgrade", engine_or_url, revision)


def downgrade(engine_or_url: Engine | str, revision: str) -> None:
    _run("downgrade", engine_or_url, revision)


def _run(what: str, engine_or_url: Engine | str, revision: str) -> None:
    owned = isinstance(engine_or_url, str)
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        config = alembic_config()
        # Alembic's `context` and `op` are module-level proxies: one migration per process at a time.
        with _IN_PROCESS, _sqlite_lock(engine), engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, what)(config, revision)
    finally:
        if owned:
            engine.dispose()


@contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be opened or migrated; the message names the URL and the cause."""

    def __init__(self, url: str, cause: str) -> None:
        self.url = url
        self.cause = cause
        super().__init__(f"cannot open the database {url}: {cause}")


def safe_url(url: str) -> str:
    """`url` with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_database(url: str | None = None, settings: Settings | None = None) -> Engine:
    """An engine on the settings' database (or `url`), migrated to the newest schema.

    Every command that opens the database calls this, so a fresh data folder just works.
    """
    settings = settings or get_settings()
    url = url or settings.effective_database_url
    try:
        engine = make_engine(url, settings)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailableError(safe_url(url), f"not a database URL ({exc})") from None
    except (ImportError, OSError) as exc:
        raise DatabaseUnavailableError(safe_url(url), str(exc)) from None
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailableError(safe_url(url), cause) from None
    except (CommandError, KeyError) as exc:
        # A broken chain of migration scripts is an installation fault, not the database's.
        engine.dispose()
        raise DatabaseUnavailableError(
            safe_url(url), f"the migration scripts are inconsistent ({type(exc).__name__}: {exc})"
        ) from None
    return engine
