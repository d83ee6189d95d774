"""Mail tables: invite_state (what each recipient was last told) and the outbox.

Revision ID: 0002_mail
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_mail"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invite_state",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "recipient_kind IN ('facilitator', 'party')",
            name=op.f("ck_invite_state_recipient_kind"),
        ),
        sa.CheckConstraint("method IN ('REQUEST', 'CANCEL')", name=op.f("ck_invite_state_method")),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_invite_state_sequence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_state")),
        sa.UniqueConstraint(
            "case_id",
            "recipient_kind",
            "recipient_id",
            name=op.f("uq_invite_state_case_id_recipient_kind_recipient_id"),
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_invite_state_uid")),
    )
    op.create_index(op.f("ix_invite_state_case_id"), "invite_state", ["case_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("recipient_email", sa.String(length=320), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.Column("claimed_until", TZ, nullable=True),
        sa.Column("failed_at", TZ, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("method IN ('REQUEST', 'CANCEL')", name=op.f("ck_outbox_method")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint(
            "uid",
            "sequence",
            "method",
            "recipient_email",
            name=op.f("uq_outbox_uid_sequence_method_recipient_email"),
        ),
    )
    op.create_index(op.f("ix_outbox_uid"), "outbox", ["uid"], unique=False)
    op.create_index(op.f("ix_outbox_case_id"), "outbox", ["case_id"], unique=False)
    op.create_index("ix_outbox_unsent_due", "outbox", ["sent_at", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent_due", table_name="outbox")
    op.drop_index(op.f("ix_outbox_case_id"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_uid"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_invite_state_case_id"), table_name="invite_state")
    op.drop_table("invite_state")
