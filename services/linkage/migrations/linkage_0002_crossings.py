"""Measured link state, the record of crossings and the upstream link's outbox.

Revision ID: linkage_0002
"""

import sqlalchemy as sa
from alembic import op

from services.linkage.adapters.tables import crossings, link_outbox

revision = "linkage_0002"
down_revision = "linkage_0001"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("last_sent_at", "last_contact_at", "last_error_at", "alerted_at")


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        for name in NEW_COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("last_error", sa.Text))
        batch.alter_column("last_event", existing_type=sa.String(200), nullable=True)
        batch.alter_column(
            "last_delivery_at", existing_type=sa.DateTime(timezone=True), nullable=True
        )
    crossings.create(op.get_bind())
    link_outbox.create(op.get_bind())


def downgrade() -> None:
    link_outbox.drop(op.get_bind())
    crossings.drop(op.get_bind())
    with op.batch_alter_table("links") as batch:
        for name in (*NEW_COLUMNS, "last_error"):
            batch.drop_column(name)
