"""Delivery: the nightly re-plan's lease and heartbeat on ``replan_runs``.

``owner`` names the process running the date's re-plan, ``heartbeat_at`` is when it
last renewed its lease and ``lease_until`` when the lease runs out; after that the run
may be taken over. A row from before this revision has no lease: it counts as run out.

Revision ID: 0004_delivery
Revises: 0003_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_delivery"
down_revision = "0003_web"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("replan_runs") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", TZ, nullable=True))
        batch.add_column(sa.Column("lease_until", TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replan_runs") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("heartbeat_at")
        batch.drop_column("owner")
