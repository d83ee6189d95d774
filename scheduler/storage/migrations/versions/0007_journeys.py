"""Case journeys: sessions (reserved).

Revision ID: 0007_journeys
Revises: 0006_review
"""

from __future__ import annotations

revision = "0007_journeys"
down_revision = "0006_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
