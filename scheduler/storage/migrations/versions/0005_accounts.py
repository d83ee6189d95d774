"""Accounts: roles, a facilitator's own account, disabled accounts, lockout by client.

Roles live in ``users.role`` (admin, coordinator, viewer, facilitator; the column exists
since 0003). A facilitator's account names the facilitator it is (``facilitator_id``).
``active`` false is a disabled account; ``disabled_at`` says since when. Login failures
are counted per account and per client address, so the client column gets an index.

Revision ID: 0005_accounts
Revises: 0004_delivery
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0004_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("facilitator_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_index(op.f("ix_users_facilitator_id"), "users", ["facilitator_id"])
    op.create_index(op.f("ix_login_failures_client"), "login_failures", ["client"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failures_client"), table_name="login_failures")
    op.drop_index(op.f("ix_users_facilitator_id"), table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("disabled_at")
        batch.drop_column("facilitator_id")
