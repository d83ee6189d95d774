"""Coordinator review: draft acknowledgements and job cancellation (reserved).

Revision ID: 0006_review
Revises: 0005_accounts
"""

from __future__ import annotations

revision = "0006_review"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
