"""Work items, applicant contacts, catalogue items, decision documents and deliveries.

Revision ID: approval_0001
"""

from alembic import op

from services.approval.adapters.tables import metadata

revision = "approval_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
