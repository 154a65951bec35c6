"""Center links.

Revision ID: linkage_0001
"""

from alembic import op

from services.linkage.adapters.tables import links

revision = "linkage_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    links.create(op.get_bind())


def downgrade() -> None:
    links.drop(op.get_bind())
