"""Accounts: roles, disabled accounts, password resets (reserved; filled by the trust work).

Revision ID: 0005_accounts
Revises: 0004_delivery
"""

from __future__ import annotations

revision = "0005_accounts"
down_revision = "0004_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
