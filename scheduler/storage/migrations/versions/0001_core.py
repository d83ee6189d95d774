"""Core tables: the problem's records, plans and meetings, plan requests, re-plan runs.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-26 09:27:35.506761
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("offence", sa.String(length=40), nullable=False),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(op.f("ix_cases_reference"), "cases", ["reference"], unique=False)

    op.create_table(
        "facilitators",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitators")),
    )
    op.create_index(op.f("ix_facilitators_email"), "facilitators", ["email"], unique=False)

    op.create_table(
        "keep_apart",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("party_a", sa.String(length=64), nullable=False),
        sa.Column("party_b", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keep_apart")),
    )
    op.create_index(op.f("ix_keep_apart_party_a"), "keep_apart", ["party_a"], unique=False)
    op.create_index(op.f("ix_keep_apart_party_b"), "keep_apart", ["party_b"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("problem_name", sa.String(length=200), nullable=False),
        sa.Column("disruption", sa.Integer(), nullable=False),
        sa.Column("scheduled_priority", sa.Integer(), nullable=False),
        sa.Column("soft_cost", sa.Integer(), nullable=False),
        sa.Column("solver_status", sa.String(length=20), nullable=False),
        sa.Column("wall_seconds", sa.Float(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'confirmed', 'superseded')", name=op.f("ck_plans_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_status"), "plans", ["status"], unique=False)

    op.create_table(
        "problem_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("horizon_start", sa.String(length=10), nullable=False),
        sa.Column("horizon_end", sa.String(length=10), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_problem_meta_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_meta")),
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prison", sa.String(length=200), nullable=True),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("end", sa.String(length=16), nullable=False),
        sa.Column("venue", sa.String(length=64), nullable=False),
        sa.Column("room", sa.String(length=64), nullable=False),
        sa.Column("lead", sa.String(length=64), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_meetings_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("plan_id", "case_id", name=op.f("uq_meetings_plan_id_case_id")),
    )
    op.create_index(op.f("ix_meetings_case_id"), "meetings", ["case_id"], unique=False)
    op.create_index(op.f("ix_meetings_plan_id"), "meetings", ["plan_id"], unique=False)

    op.create_table(
        "parties",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("home_lat", sa.Float(), nullable=True),
        sa.Column("home_lon", sa.Float(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_parties_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
    )
    op.create_index(op.f("ix_parties_case_id"), "parties", ["case_id"], unique=False)
    op.create_index(op.f("ix_parties_email"), "parties", ["email"], unique=False)

    op.create_table(
        "plan_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('allocate', 'replan')", name=op.f("ck_plan_requests_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_plan_requests_status"),
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_plan_requests_progress")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_requests_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_requests")),
    )
    op.create_index(op.f("ix_plan_requests_status"), "plan_requests", ["status"], unique=False)

    op.create_table(
        "replan_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_replan_runs_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replan_runs")),
        sa.UniqueConstraint("run_date", name=op.f("uq_replan_runs_run_date")),
    )


def downgrade() -> None:
    op.drop_table("replan_runs")
    op.drop_index(op.f("ix_plan_requests_status"), table_name="plan_requests")

    op.drop_table("plan_requests")
    op.drop_index(op.f("ix_parties_email"), table_name="parties")
    op.drop_index(op.f("ix_parties_case_id"), table_name="parties")

    op.drop_table("parties")
    op.drop_index(op.f("ix_meetings_plan_id"), table_name="meetings")
    op.drop_index(op.f("ix_meetings_case_id"), table_name="meetings")

    op.drop_table("meetings")
    op.drop_table("venues")
    op.drop_table("problem_meta")
    op.drop_index(op.f("ix_plans_status"), table_name="plans")

    op.drop_table("plans")
    op.drop_index(op.f("ix_keep_apart_party_b"), table_name="keep_apart")
    op.drop_index(op.f("ix_keep_apart_party_a"), table_name="keep_apart")

    op.drop_table("keep_apart")
    op.drop_index(op.f("ix_facilitators_email"), table_name="facilitators")

    op.drop_table("facilitators")
    op.drop_index(op.f("ix_cases_reference"), table_name="cases")

    op.drop_table("cases")
