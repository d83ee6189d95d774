"""The audit trail is append-only: PostgreSQL refuses UPDATE and DELETE on it (a trigger),
and the app has no path that changes or removes an entry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from scheduler.storage.db import transaction
from scheduler.storage.web_models import AuditRow
from scheduler.web_services import audit
from tests.web.helpers import make_app

ROOT = Path(__file__).parents[2] / "scheduler"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ON_POSTGRES = pytest.mark.parametrize(
    "db_kind", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)


def _one_entry(engine: Engine) -> int:
    with transaction(engine) as session:
        audit.record(session, actor="user:1", action="login", now=NOW, client="127.0.0.1")
    with engine.connect() as conn:
        return conn.execute(select(func.max(AuditRow.id))).scalar_one()


@ON_POSTGRES
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
    ],
)
def test_postgres_refuses_changes_to_the_audit(engine: Engine, statement: str) -> None:
    entry = _one_entry(engine)
    with pytest.raises(DBAPIError, match="audit_log is append-only"), engine.begin() as conn:
        conn.execute(text(statement), {"id": entry})
    with engine.connect() as conn:
        row = conn.execute(select(AuditRow.actor).where(AuditRow.id == entry)).one()
    assert row.actor == "user:1"  # unchanged, still there


@ON_POSTGRES
def test_postgres_still_appends(engine: Engine) -> None:
    first = _one_entry(engine)
    assert _one_entry(engine) > first


def test_no_code_updates_or_deletes_audit_rows() -> None:
    """Only the model, the migration and the audit service name the table, and the service
    never updates or deletes."""
    naming = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*.py")
        if re.search(r"\bAuditRow\b|\baudit_log\b", p.read_text(encoding="utf-8"))
    }
    assert naming == {
        "storage/web_models.py",
        "storage/migrations/versions/0003_web.py",
        "web_services/audit.py",
    }
    service = (ROOT / "web_services" / "audit.py").read_text(encoding="utf-8")
    assert not re.search(r"\b(update|delete)\s*\(|\.delete\(|\bmerge\(", service)


def test_the_http_api_only_reads_the_audit(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from scheduler.web import audit as audit_routes

    methods = {m for route in audit_routes.router.routes for m in route.methods}  # type: ignore[attr-defined]
    assert methods <= {"GET", "HEAD"}, methods
    with TestClient(make_app(tmp_path)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    audit_ops = {op for path, ops in paths.items() if "audit" in path for op in ops}
    assert audit_ops == {"get"}
