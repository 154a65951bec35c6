"""Supervised cases projection.

Revision ID: supervision_0001
"""

from alembic import op

from services.supervision.adapters.tables import supervised_cases

revision = "supervision_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    supervised_cases.create(op.get_bind())


def downgrade() -> None:
    supervised_cases.drop(op.get_bind())
