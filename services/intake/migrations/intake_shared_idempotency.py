"""Idempotency keys move to the table every service shares (libs/events/idempotency.py).

Revision ID: intake_shared_idempotency
"""

from alembic import op

revision = "intake_shared_idempotency"
down_revision = "intake_0004"
branch_labels = None
depends_on = ("events_idempotency",)


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS idempotency_keys")


def downgrade() -> None:
    """The old per-case keys are not brought back: the shared table holds them now."""
