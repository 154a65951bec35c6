"""Idempotency keys move to the table every service shares (libs/events/idempotency.py).

Revision ID: intake_0003
"""

from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = ("events_0004",)


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS idempotency_keys")


def downgrade() -> None:
    """The old per-case keys are not brought back: the shared table holds them now."""
