"""The supervision projection, its inbox of case events and its notification queue.

Revision ID: supervision_0001
"""

from alembic import op

from services.supervision.adapters.tables import metadata

revision = "supervision_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
