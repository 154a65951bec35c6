"""Intake read models: catalogue versions, cases, sequences, idempotency keys, the timeline.

Revision ID: intake_0001
"""

from alembic import op

from services.intake.adapters.tables import TABLES

revision = "intake_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
