"""Coordinator review: a job can be cancelled (plan_requests.status 'cancelled').

The acknowledgements of moved or dropped confirmed meetings need no table of their
own: each confirmation's audit row records them (`scheduler.plan_review`).

Revision ID: 0006_review
Revises: 0005_accounts
"""

from __future__ import annotations

from alembic import op

revision = "0006_review"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None

OLD = "status IN ('queued', 'running', 'done', 'failed')"
NEW = "status IN ('queued', 'running', 'done', 'failed', 'cancelled')"


def _status_check(condition: str) -> None:
    # Batch mode recreates the table on SQLite (which cannot alter a constraint).
    with op.batch_alter_table("plan_requests") as batch:
        batch.drop_constraint(op.f("ck_plan_requests_status"), type_="check")
        batch.create_check_constraint(op.f("ck_plan_requests_status"), condition)


def upgrade() -> None:
    _status_check(NEW)


def downgrade() -> None:
    op.execute("UPDATE plan_requests SET status = 'failed' WHERE status = 'cancelled'")
    _status_check(OLD)
