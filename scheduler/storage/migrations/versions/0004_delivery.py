"""Delivery: the nightly re-plan's lease and heartbeat (reserved; filled by the delivery work).

Revision ID: 0004_delivery
Revises: 0003_web
"""

from __future__ import annotations

revision = "0004_delivery"
down_revision = "0003_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
