"""Case journeys: a case's sessions, and the sessions of each plan.

Revision ID: 0007_journeys
Revises: 0006_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_journeys"
down_revision = "0006_review"
branch_labels = None
depends_on = None

ID = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "case_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("party_id", ID, nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_sessions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_sessions")),
    )
    op.create_index(op.f("ix_case_sessions_case_id"), "case_sessions", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_case_sessions_party_id"), "case_sessions", ["party_id"], unique=False
    )
    op.create_table(
        "plan_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("session_id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("end", sa.String(length=16), nullable=False),
        sa.Column("venue", ID, nullable=True),
        sa.Column("room", ID, nullable=True),
        sa.Column("lead", ID, nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "mode IN ('venue', 'home', 'video')", name=op.f("ck_plan_sessions_mode")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_sessions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sessions")),
        sa.UniqueConstraint(
            "plan_id", "session_id", name=op.f("uq_plan_sessions_plan_id_session_id")
        ),
    )
    op.create_index(op.f("ix_plan_sessions_case_id"), "plan_sessions", ["case_id"], unique=False)
    op.create_index(op.f("ix_plan_sessions_plan_id"), "plan_sessions", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_sessions_plan_id"), table_name="plan_sessions")
    op.drop_index(op.f("ix_plan_sessions_case_id"), table_name="plan_sessions")
    op.drop_table("plan_sessions")
    op.drop_index(op.f("ix_case_sessions_party_id"), table_name="case_sessions")
    op.drop_index(op.f("ix_case_sessions_case_id"), table_name="case_sessions")
    op.drop_table("case_sessions")
