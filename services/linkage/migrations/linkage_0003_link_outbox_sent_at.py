"""The upstream link's outbox gets the core outbox's index on `sent_at` (retention by age).

Revision ID: linkage_0003
"""

from alembic import op

from services.linkage.adapters.tables import link_outbox

revision = "linkage_0003"
down_revision = "linkage_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for index in link_outbox.indexes:
        index.create(op.get_bind(), checkfirst=True)  # linkage_0002 made them on a new database


def downgrade() -> None:
    op.drop_index("ix_link_outbox_sent_at", table_name="link_outbox")
